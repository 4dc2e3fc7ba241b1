#!/usr/bin/env node
// The `msf` command, compiled to dist/ by `npm run build` (run by `npm install` in a clone; shipped
// built in the package). `npm run msf -- ...` runs the TypeScript sources instead, for development.
await import('../dist/cli/entry.js');
