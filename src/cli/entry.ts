#!/usr/bin/env node
import { main } from './main.js';

// A reader that closes early (`msf --help | head`) ends the output, not the process with a stack trace.
for (const stream of [process.stdout, process.stderr])
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? 0);
  });

process.exitCode = await main(process.argv.slice(2));
