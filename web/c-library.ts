/**
 * The C library files in the page: src/emit/c bundled as text by Vite. Stands in for
 * src/emit/c-library.ts (which reads them from disk in Node); web/vite.config.ts does the swap.
 */
import { type CSources, cSourcesOf } from '../src/emit/c-sources.js';

const files = import.meta.glob('../src/emit/c/*.{c,h}', { query: '?raw', import: 'default', eager: true }) as Record<string, string>;
const sources = cSourcesOf(Object.entries(files).map(([path, text]) => [path.slice(path.lastIndexOf('/') + 1), text] as const));

export function cLibrary(): CSources {
  return sources;
}
