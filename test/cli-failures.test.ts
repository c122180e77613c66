import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { escape, run, wasirun } from './helpers/cli.js';
import { guest, tempDir } from './helpers/paths.js';
import { TRAP_WAT, compileWat } from './helpers/wat.js';

const envWasm = guest('env');
const misc = guest('misc');

const tmp = tempDir('wasirun-cli-');

/** Compiles WebAssembly text with wabt into `tmp/NAME`. */
async function watFile(name: string, text: string): Promise<string> {
  const path = join(tmp, name);
  writeFileSync(path, await compileWat(text));
  return path;
}

const TRAP_LINE = 'wasirun: trap: types.incoming-response-status: unknown incoming-response handle 42\n';

/** A command that fails on a wasm `unreachable`, importing nothing. */
const UNREACHABLE_WAT = `(module (memory (export "memory") 1) (func (export "_start") unreachable))`;

void describe('wasirun failures', () => {
  let trapWasm: string;
  let unreachableWasm: string;

  before(async () => {
    trapWasm = await watFile('trap.wasm', TRAP_WAT);
    unreachableWasm = await watFile('unreachable.wasm', UNREACHABLE_WAT);
  });

  void it('should print one trap line naming the import and its cause, and exit 1', async () => {
    const r = await run([trapWasm]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, TRAP_LINE);
    assert.equal(r.stdout, 'before the trap\n', 'what the guest printed before the trap is kept');
  });

  void it('should print the trapping call in --trace, then the trap line', async () => {
    const r = await run(['--trace', trapWasm]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'wasirun trace: types.incoming-response-status(42) -> trap: types.incoming-response-status: unknown incoming-response handle 42\n' +
        TRAP_LINE,
    );
  });

  void it('should report a wasm trap of the guest itself on one line and exit 1', async () => {
    const r = await run([unreachableWasm]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^wasirun: trap: [^\n]*unreachable[^\n]*\n$/);
  });

  void it('should refuse a module that is not a command (no _start) with one line and exit 1', async () => {
    const library = await watFile('no-start.wasm', '(module (memory (export "memory") 1))');
    const r = await run([library]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^wasirun: [^\n]*_start[^\n]*\n$/);
  });

  void it('should refuse a module it cannot read with one line and exit 1', async () => {
    const missing = join(tmp, 'missing.wasm');
    const r = await run([missing, 'x']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^wasirun: cannot read ${escape(missing)}: [^\\n]*ENOENT[^\\n]*\\n$`));

    const dir = await run([tmp]);
    assert.equal(dir.code, 1);
    assert.equal(dir.stdout, '');
    assert.match(dir.stderr, new RegExp(`^wasirun: cannot read ${escape(tmp)}: [^\\n]+\\n$`));
  });

  void it('should refuse a file that is not WebAssembly with one line and exit 1, to run or to serve', async () => {
    const bogus = join(tmp, 'not-wasm.wasm');
    writeFileSync(bogus, '#!/bin/sh\necho hi\n');
    // A module's header and then nothing a compiler accepts: serving limits its memory first.
    const truncated = join(tmp, 'truncated.wasm');
    writeFileSync(truncated, Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 5, 0x7f]));
    for (const [args, file] of [
      [[bogus], 'not-wasm'],
      [['--http-server-addr', '127.0.0.1:0', bogus], 'not-wasm'],
      [['--http-server-addr', '127.0.0.1:0', truncated], 'truncated'],
    ] as const) {
      const r = await run([...args]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        new RegExp(`^wasirun: ${file}\\.wasm is not a valid WebAssembly module: [^\\n]+\\n$`),
      );
    }
  });

  void it('should refuse to link a v1 import under --http none with one line and exit 1', async () => {
    const r = await run(['--http', 'none', trapWasm]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '', 'the guest never starts');
    assert.equal(
      r.stderr,
      'wasirun: the module imports types.incoming-response-status, which wasirun does not provide' +
        ' (is --http none set, or is it not a wasi-http v1 module?)\n',
    );
  });

  void it('should never show Node\'s "ExperimentalWarning: WASI"', async () => {
    for (const args of [[envWasm], [misc], [trapWasm], ['--trace', misc], ['--http=v1', envWasm]]) {
      const r = await wasirun(args);
      assert.ok(r.code !== null, args.join(' '));
      assert.ok(!r.stderr.includes('ExperimentalWarning'), `${args.join(' ')}: ${r.stderr}`);
      assert.ok(!r.stderr.includes('WASI'), `${args.join(' ')}: ${r.stderr}`);
    }
  });
});
