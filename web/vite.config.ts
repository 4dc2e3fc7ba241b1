// The planner page: `npm run web` (dev server) and `npm run web:build` (static files in web/dist).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// src/emit/emit-c.ts reads the C library from disk in Node; the page bundles the same files instead.
const cLibrary = { find: /^\.\/c-library\.js$/, replacement: fileURLToPath(new URL('./c-library.ts', import.meta.url)) };

export default defineConfig({
  // Relative URLs everywhere, so any static server (or a sub-folder of one) can host web/dist.
  base: './',
  resolve: { alias: [cLibrary] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The Wasm engine must stay a separate file (fetched and compiled streaming), never a data: URL.
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
});
