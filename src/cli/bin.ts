#!/usr/bin/env node
import { writeAll } from '../util/write.js';
import { doMain } from './main.js';

process.exitCode = await doMain(process.argv.slice(2), {
  out: (text) => {
    writeAll(1, text);
  },
  err: (text) => {
    writeAll(2, text);
  },
  env: process.env,
});
