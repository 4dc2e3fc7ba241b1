/**
 * The C library files in Node: read once from src/emit/c beside this module. The web page's build
 * replaces this module by web/c-library.ts (bundled text, see web/vite.config.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { type CSources, cSourcesOf } from './c-sources.js';

const DIR = new URL('./c/', import.meta.url);
let sources: CSources | undefined;

export function cLibrary(): CSources {
  sources ??= cSourcesOf(readdirSync(DIR).map((name) => [name, readFileSync(new URL(name, DIR), 'utf8')] as const));
  return sources;
}
