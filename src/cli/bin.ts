#!/usr/bin/env node
import { doMain } from './main.js';

process.exitCode = await doMain(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
});
