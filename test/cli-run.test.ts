import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lines, run, runWithSlowReader } from './helpers/cli.js';
import { guest, tempDir } from './helpers/paths.js';

const envWasm = guest('env');
const misc = guest('misc');

const tmp = tempDir('wasirun-cli-');

void describe('wasirun runs a command module', () => {
  void it('should pass the arguments after MODULE, argv[0] being the file base name', async () => {
    const r = await run([envWasm, 'a', 'b c', '--exit', '0', '-x', '--bogus=1', '']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, 'arg: '), [
      'env.wasm',
      'a',
      'b c',
      '--exit',
      '0',
      '-x',
      '--bogus=1',
      '',
    ]);
    assert.equal(r.stderr, '');

    const renamed = join(tmp, 'renamed-guest.wasm');
    copyFileSync(envWasm, renamed);
    const r2 = await run([renamed, 'x']);
    assert.deepEqual(lines(r2.stdout, 'arg: '), ['renamed-guest.wasm', 'x']);
  });

  void it('should drop a "--" right after MODULE and keep a later one', async () => {
    const r = await run([envWasm, '--', '--help', '-v', 'x']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, 'arg: '), ['env.wasm', '--help', '-v', 'x']);
    const r2 = await run([envWasm, 'a', '--', 'b']);
    assert.deepEqual(lines(r2.stdout, 'arg: '), ['env.wasm', 'a', '--', 'b']);
    const r3 = await run([envWasm, '--', '--']);
    assert.deepEqual(lines(r3.stdout, 'arg: '), ['env.wasm', '--']);
  });

  void it('should take MODULE after a "--" that ends the options', async () => {
    const r = await run(['--env', 'A=1', '--', envWasm, 'x']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, 'arg: '), ['env.wasm', 'x']);
    assert.deepEqual(lines(r.stdout, 'env: '), ['A=1']);
  });

  void it("should exit with the guest's exit code", async () => {
    for (const code of [7, 1, 0, 42]) {
      const r = await run([envWasm, '--exit', String(code)]);
      assert.equal(r.code, code);
      assert.equal(r.stderr, '', 'a guest exit status is not an error of wasirun');
      assert.deepEqual(lines(r.stdout, 'arg: '), ['env.wasm', '--exit', String(code)]);
    }
  });

  void it('should pass each --env in order, in every flag form, and nothing else by default', async () => {
    const r = await run(
      [
        '--env',
        'A=1',
        '--env=B=two=2',
        '-env',
        'EMPTY=',
        '-env=SPACE=a b',
        '--env',
        'WASIRUN_CLI_PARENT=flag',
        envWasm,
      ],
      { WASIRUN_CLI_PARENT: 'parent', WASIRUN_CLI_SECRET: 'secret' },
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, 'env: '), [
      'A=1',
      'B=two=2',
      'EMPTY=',
      'SPACE=a b',
      'WASIRUN_CLI_PARENT=flag',
    ]);
    const none = await run([envWasm], { WASIRUN_CLI_SECRET: 'secret' });
    assert.deepEqual(lines(none.stdout, 'env: '), [], 'no environment without --env-inherit');
  });

  void it('should inherit the environment with --env-inherit, --env overriding it in either order', async () => {
    const parent = { WASIRUN_CLI_INHERITED: 'from parent', WASIRUN_CLI_OVERRIDDEN: 'parent' };
    for (const args of [
      ['--env-inherit', '--env', 'WASIRUN_CLI_OVERRIDDEN=flag', envWasm],
      ['--env', 'WASIRUN_CLI_OVERRIDDEN=flag', '-env-inherit', envWasm],
      ['--env-inherit=true', '--env=WASIRUN_CLI_OVERRIDDEN=flag', envWasm],
    ]) {
      const r = await run(args, parent);
      assert.equal(r.code, 0, r.stderr);
      const env = lines(r.stdout, 'env: ');
      assert.ok(env.includes('WASIRUN_CLI_INHERITED=from parent'), `${args.join(' ')}: ${env.join(', ')}`);
      assert.deepEqual(
        env.filter((e) => e.startsWith('WASIRUN_CLI_OVERRIDDEN=')),
        ['WASIRUN_CLI_OVERRIDDEN=flag'],
        args.join(' '),
      );
      if (process.env.PATH !== undefined) assert.ok(env.includes(`PATH=${process.env.PATH}`));
    }
    const off = await run(['--env-inherit=false', envWasm], parent);
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(lines(off.stdout, 'env: '), []);
  });

  void it('should let the guest read files under --dir at the same path, and only there', async () => {
    const one = join(tmp, 'dir-one');
    const two = join(tmp, 'dir-two');
    mkdirSync(one);
    mkdirSync(two);
    writeFileSync(join(one, 'hello.txt'), 'first line of one\nsecond line\n');
    writeFileSync(join(two, 'other.txt'), 'first line of two\n');
    const cat = ['--cat', join(one, 'hello.txt'), '--cat', join(two, 'other.txt')];

    const both = await run(['--dir', one, `--dir=${two}`, envWasm, ...cat]);
    assert.equal(both.code, 0, both.stderr);
    assert.deepEqual(lines(both.stdout, 'file: '), ['first line of one', 'first line of two']);

    const single = await run(['-dir', one, envWasm, ...cat]);
    assert.equal(single.code, 0, single.stderr);
    assert.deepEqual(lines(single.stdout, 'file: '), [
      'first line of one',
      `cannot open ${join(two, 'other.txt')}`,
    ]);

    const without = await run([envWasm, ...cat]);
    assert.equal(without.code, 0, without.stderr);
    assert.deepEqual(lines(without.stdout, 'file: '), [
      `cannot open ${join(one, 'hello.txt')}`,
      `cannot open ${join(two, 'other.txt')}`,
    ]);
  });

  void it('should print misc.wasm: log-it on stdout, the console lines on stderr in level order', async () => {
    const r = await run([misc]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'random-bytes: 32 32 differ=1',
        'random-bytes-empty: 0',
        'random-u64 differ=1',
        'insecure-random: ok',
        'hello from log-it',
        'done',
        '',
      ].join('\n'),
    );
    assert.equal(
      r.stderr,
      [
        'TRACE ctx: level 0',
        'DEBUG ctx: level 1',
        'INFO ctx: level 2',
        'WARN ctx: level 3',
        'ERROR ctx: level 4',
        '',
      ].join('\n'),
    );
  });

  void it('should deliver all of a big stdout through a pipe that is read late', async () => {
    const value = 'v'.repeat(100_000);
    const names = Array.from({ length: 10 }, (_, i) => `BIG${i}`);
    const r = await runWithSlowReader([...names.flatMap((n) => ['--env', `${n}=${value}`]), envWasm], 500);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const expected = `arg: env.wasm\n${names.map((n) => `env: ${n}=${value}\n`).join('')}`;
    assert.equal(r.stdout.length, expected.length, 'every byte the guest printed reaches the pipe');
    assert.ok(r.stdout === expected);
  });
});
