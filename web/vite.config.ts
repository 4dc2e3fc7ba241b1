// The planner page: `npm run web` (dev server) and `npm run web:build` (static files in web/dist).
import { defineConfig } from 'vite';

export default defineConfig({
  // Relative URLs everywhere, so any static server (or a sub-folder of one) can host web/dist.
  base: './',
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
