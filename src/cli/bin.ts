#!/usr/bin/env node
import { prepareGuestWorker } from '../runtime/worker.js';
import { writeAll } from '../util/write.js';

const argv = process.argv.slice(2);
// The guest's thread boots while this one loads the rest of the host: a faster start.
if (argv.length > 0 && !argv.some((a) => /^--?(h|help|v|version)(=|$)/.test(a))) prepareGuestWorker();
const { doMain } = await import('./main.js');

process.exitCode = await doMain(argv, {
  out: (text) => {
    writeAll(1, text);
  },
  err: (text) => {
    writeAll(2, text);
  },
  env: process.env,
});
