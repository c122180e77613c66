import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { field, lines, wasirun, type CliResult } from './helpers/cli.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { BIN, guest, repoPath } from './helpers/paths.js';
import { TRAP_WAT, compileWat } from './helpers/wat.js';

const envWasm = guest('env');
const httpc = guest('httpc');
const misc = guest('misc');
const httpGet = repoPath('examples', 'http-get.wasm');

const VERSION = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;

const tmp = mkdtempSync(join(tmpdir(), 'wasirun-cli-'));

/** Runs the command and checks what must hold for every run: Node's WASI warning never shows. */
async function run(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  const r = await wasirun(args, env);
  assert.doesNotMatch(r.stderr, /ExperimentalWarning|WASI is an experimental/, r.stderr);
  return r;
}

/** Runs the command with stdout and stderr pipes nobody reads for `delayMs`, so they fill up. */
function runWithSlowReader(args: readonly string[], delayMs: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    setTimeout(() => {
      child.stdout.on('data', (c: Buffer) => out.push(c));
      child.stderr.on('data', (c: Buffer) => err.push(c));
    }, delayMs);
    child.on('error', reject);
    child.on('close', (code) => {
      const raw = Buffer.concat(out);
      resolve({ code, stdout: raw.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), raw });
    });
  });
}

/** Compiles WebAssembly text with wabt into `tmp/NAME`. */
async function watFile(name: string, text: string): Promise<string> {
  const path = join(tmp, name);
  writeFileSync(path, await compileWat(text));
  return path;
}

const TRAP_LINE = 'wasirun: trap: types.incoming-response-status: unknown incoming-response handle 42\n';

/** A command that fails on a wasm `unreachable`, importing nothing. */
const UNREACHABLE_WAT = `(module (memory (export "memory") 1) (func (export "_start") unreachable))`;

/** Asserts a usage error: one line on stderr, exit 2, nothing on stdout. */
function assertUsageError(r: CliResult, message: string): void {
  assert.equal(r.stderr, `wasirun: ${message}\n`);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

void describe('wasirun --help and --version', () => {
  const FLAGS = [
    '--dir <DIR>',
    '--env-inherit',
    '--env <NAME=VAL>',
    '--http <MODE>',
    '--body-buffer-limit <SIZE>',
    '--trace',
    '-v, --version',
    '-h, --help',
  ];

  void it('should print the usage with every flag on stdout and exit 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.startsWith('wasirun - '), r.stdout);
    assert.ok(r.stdout.includes('\n   wasirun [OPTIONS]... <MODULE> [--] [ARGS]...\n'), r.stdout);
    for (const flag of FLAGS) assert.ok(r.stdout.includes(`\n   ${flag}\n`), `--help lists ${flag}`);
    for (const mode of ['auto', 'v1', 'none'])
      assert.ok(r.stdout.includes(mode), `--help names --http ${mode}`);
    for (const refused of ['--listen', '--dial', '--sockets', '--pprof-addr'])
      assert.ok(!r.stdout.includes(refused), `--help does not offer ${refused}`);
  });

  void it('should print the same usage for -h, -help, --help=true and before a module, without running it', async () => {
    const usage = (await run(['--help'])).stdout;
    for (const args of [['-h'], ['-help'], ['--help=true'], ['--help', envWasm, '--exit', '7']]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stdout, usage, args.join(' '));
      assert.equal(r.stderr, '');
    }
  });

  void it('should print "wasirun VERSION" for --version, -v, -version and --version=1', async () => {
    assert.equal(VERSION, '0.1.0');
    for (const args of [['--version'], ['-v'], ['-version'], ['--version=1'], ['-v', envWasm]]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stdout, `wasirun ${VERSION}\n`, args.join(' '));
      assert.equal(r.stderr, '');
    }
  });
});

void describe('wasirun usage errors', () => {
  const notADir = join(tmp, 'plain-file');
  writeFileSync(notADir, 'x\n');
  const missingDir = join(tmp, 'no-such-dir');

  const cases: [string, string[], string][] = [
    ['an unknown long option', ['--bogus', envWasm], 'unknown option --bogus (see wasirun --help)'],
    ['an unknown single-dash option', ['-x', envWasm], 'unknown option -x (see wasirun --help)'],
    [
      'an unknown option with a value',
      ['--bogus=1', envWasm],
      'unknown option --bogus=1 (see wasirun --help)',
    ],
    ['--env without a value', ['--env'], '--env needs a value'],
    ['--dir without a value', ['--dir'], '--dir needs a value'],
    ['--http without a value', ['--http'], '--http needs a value'],
    ['--body-buffer-limit without a value', ['--body-buffer-limit'], '--body-buffer-limit needs a value'],
    [
      'a bad --http value',
      ['--http', 'v2', envWasm],
      'invalid value for --http: "v2" (expected auto, v1 or none)',
    ],
    [
      'an empty --http= value',
      ['--http=', envWasm],
      'invalid value for --http: "" (expected auto, v1 or none)',
    ],
    ['--env without "="', ['--env', 'FOO', envWasm], '--env expects NAME=VAL, got "FOO"'],
    ['--env= without "="', ['-env=FOO', envWasm], '--env expects NAME=VAL, got "FOO"'],
    ['--env with an empty name', ['--env', '=x', envWasm], '--env expects NAME=VAL, got "=x"'],
    ['a --dir that does not exist', ['--dir', missingDir, envWasm], `--dir ${missingDir}: no such directory`],
    ['a --dir that is a file', ['--dir', notADir, envWasm], `--dir ${notADir}: no such directory`],
    ['no MODULE at all', [], 'missing <MODULE> (see wasirun --help)'],
    ['options but no MODULE', ['--trace', '--env', 'A=1'], 'missing <MODULE> (see wasirun --help)'],
    [
      'a bad --body-buffer-limit',
      ['--body-buffer-limit', '12Q', envWasm],
      'invalid size for --body-buffer-limit: "12Q" (examples: 65536, 64M, 1G)',
    ],
    [
      'a negative --body-buffer-limit',
      ['--body-buffer-limit=-1', envWasm],
      'invalid size for --body-buffer-limit: "-1" (examples: 65536, 64M, 1G)',
    ],
    [
      'a boolean flag with a non-boolean value',
      ['--trace=maybe', envWasm],
      '--trace takes no value other than true or false, got "maybe"',
    ],
  ];
  for (const [what, args, message] of cases) {
    void it(`should refuse ${what} with one line and exit 2`, async () => {
      assertUsageError(await run(args), message);
    });
  }

  const refused: [string, string[]][] = [
    ['listen', ['127.0.0.1:8080']],
    ['dial', ['127.0.0.1:8080']],
    ['dns-server', ['1.1.1.1:53']],
    ['sockets', ['wasmedgev2']],
    ['pprof-addr', [':6060']],
    ['non-blocking-stdio', []],
    ['max-open-files', ['1024']],
    ['max-open-dirs', ['1024']],
    ['tracer-string-size', ['32']],
  ];
  for (const [name, value] of refused) {
    void it(`should refuse wasi-go's --${name} by name with exit 2`, async () => {
      for (const args of [
        [`--${name}`, ...value, envWasm],
        [`-${name}${value.length ? `=${value.join('')}` : ''}`, envWasm],
      ]) {
        const r = await run(args);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stdout, '', 'the guest does not run');
        assert.match(r.stderr, new RegExp(`^wasirun: --${name} is not supported by wasirun: \\S[^\\n]*\\n$`));
      }
    });
  }
});

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

  void it('should refuse a file that is not WebAssembly with one line and exit 1', async () => {
    const bogus = join(tmp, 'not-wasm.wasm');
    writeFileSync(bogus, '#!/bin/sh\necho hi\n');
    const r = await run([bogus]);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^wasirun: not-wasm\.wasm is not a valid WebAssembly module: [^\n]+\n$/);
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

void describe('wasirun and HTTP', () => {
  let origin: Origin;
  const big = pattern(0, 256 * 1024);

  before(async () => {
    origin = await startOrigin((req: http.IncomingMessage, res: http.ServerResponse) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/big') {
          res.end(big);
          return;
        }
        if (req.url?.startsWith('/path') === true) {
          res.setHeader('X-Example', 'One');
          res.setHeader('X-Multi', ['a', 'b']);
          res.setHeader('Content-Type', 'text/plain');
          res.setHeader('Content-Length', '22');
          res.end('hello from the origin\n');
          return;
        }
        if (req.url === '/missing') {
          res.statusCode = 404;
          res.end('no such thing');
          return;
        }
        res.end(`${req.method ?? ''} ${req.url ?? ''}`);
      });
    });
  });
  after(async () => {
    await origin.close();
  });

  void it('should run examples/http-get.wasm as in the README', async () => {
    const r = await run(['--env', `URL=${origin.url}/path?q=1`, httpGet]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const seen = origin.seen.at(-1);
    assert.ok(seen);
    assert.equal(seen.url, '/path?q=1');
    const agent = seen.rawHeaders.findIndex((h) => h.toLowerCase() === 'user-agent');
    assert.equal(seen.rawHeaders[agent + 1], 'wasirun-example/1');

    const split = r.stdout.indexOf('\n\n');
    assert.ok(split > 0, r.stdout);
    const [status, ...headers] = r.stdout.slice(0, split).split('\n');
    assert.equal(status, 'status: 200');
    for (const h of headers) {
      const name = h.slice(0, h.indexOf(': '));
      assert.equal(name, name.toLowerCase(), `header names are lower-case: ${h}`);
    }
    assert.deepEqual(
      headers.filter((h) => !/^(date|connection|keep-alive): /.test(h)),
      ['x-example: One', 'x-multi: a', 'x-multi: b', 'content-type: text/plain', 'content-length: 22'],
    );
    assert.equal(r.stdout.slice(split + 2), 'hello from the origin\n');

    const missing = await run(['--env', `URL=${origin.url}/missing`, httpGet]);
    assert.equal(missing.code, 0, missing.stderr);
    assert.ok(missing.stdout.startsWith('status: 404\n'), missing.stdout);
    assert.ok(missing.stdout.endsWith('\n\nno such thing'), missing.stdout);
  });

  void it('should give httpc.wasm the v1 imports under --http auto and v1, in every flag form', async () => {
    for (const args of [
      [],
      ['--http', 'auto'],
      ['--http', 'v1'],
      ['--http=v1'],
      ['-http', 'v1'],
      ['-http=auto'],
    ]) {
      const r = await run([...args, httpc, 'GET', `${origin.url}/mode`]);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(field(r.stdout, 'status'), '200', args.join(' '));
      assert.equal(field(r.stdout, 'body'), 'GET /mode', args.join(' '));
      assert.equal(r.stderr, '');
    }
  });

  void it('should refuse httpc.wasm under --http none before it sends anything', async () => {
    const before = origin.seen.length;
    for (const args of [['--http', 'none'], ['--http=none']]) {
      const r = await run([...args, httpc, 'GET', `${origin.url}/none`]);
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        /^wasirun: the module imports types\.[a-z-]+, which wasirun does not provide \([^\n]+\)\n$/,
      );
    }
    assert.equal(origin.seen.length, before, 'no request reached the origin');
  });

  void it('should run env.wasm, which imports no wasi-http, the same under auto, v1 and none', async () => {
    const outputs = new Set<string>();
    for (const mode of ['auto', 'v1', 'none']) {
      const r = await run(['--http', mode, '--env', 'A=1', envWasm, 'x', '--exit', '3']);
      assert.equal(r.code, 3, `${mode}: ${r.stderr}`);
      assert.equal(r.stderr, '');
      outputs.add(r.stdout);
    }
    assert.deepEqual([...outputs], ['arg: env.wasm\narg: x\narg: --exit\narg: 3\nenv: A=1\n']);
  });

  void it('should trace each wasi-http call of a GET on stderr: import, arguments and result', async () => {
    const plain = await run([httpc, 'GET', `${origin.url}/traced?q=1`]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stderr, '', 'no trace without --trace');
    const off = await run(['--trace=false', httpc, 'GET', `${origin.url}/traced?q=1`]);
    assert.equal(off.stderr, '', 'no trace with --trace=false');

    for (const flag of ['--trace', '-trace', '--trace=true']) {
      const r = await run([flag, httpc, 'GET', `${origin.url}/traced?q=1`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(field(r.stdout, 'body'), 'GET /traced?q=1');
      assert.ok(!r.stdout.includes('wasirun trace'), 'the trace goes to stderr only');
      const trace = r.stderr.split('\n');
      assert.equal(trace.pop(), '', 'stderr ends with a newline');
      for (const line of trace)
        assert.match(line, /^wasirun trace: [A-Za-z-]+\.[a-z-]+\(.*\) -> \S.*$/, 'one call per line');

      assert.equal(trace[0], 'wasirun trace: types.new-fields([]) -> 1');
      const find = (re: RegExp): [number, RegExpExecArray] => {
        const at = trace.findIndex((l) => re.test(l));
        assert.ok(at >= 0, `no line like ${String(re)} in\n${r.stderr}`);
        return [at, re.exec(trace[at] ?? '') as RegExpExecArray];
      };
      const [reqAt, req] = find(
        new RegExp(
          `^wasirun trace: types\\.new-outgoing-request\\(get, "/traced", "\\?q=1", HTTP, "${escape(origin.authority)}", 1\\) -> (\\d+)$`,
        ),
      );
      const [handleAt, handle] = find(
        new RegExp(`^wasirun trace: default-outgoing-HTTP\\.handle\\(${req[1] ?? ''}, none\\) -> (\\d+)$`),
      );
      const [getAt, get] = find(
        new RegExp(
          `^wasirun trace: types\\.future-incoming-response-get\\(${handle[1] ?? ''}\\) -> ok\\((\\d+)\\)$`,
        ),
      );
      const [statusAt] = find(
        new RegExp(`^wasirun trace: types\\.incoming-response-status\\(${get[1] ?? ''}\\) -> 200$`),
      );
      const [readAt] = find(
        /^wasirun trace: streams\.read\(\d+, \d+\) -> ok\(\[<15 bytes>, (true|false)\]\)$/,
      );
      assert.ok(0 < reqAt && reqAt < handleAt && handleAt < getAt && getAt < statusAt && statusAt < readAt);
    }
  });

  void it('should cap a body written before handle at --body-buffer-limit', async () => {
    const post = (limit: string[]): Promise<CliResult> =>
      run([...limit, httpc, '--body-size', '4096', '--write-chunk', '512', 'POST', `${origin.url}/post`]);
    for (const [limit, bytes] of [
      [['--body-buffer-limit', '1K'], 1024],
      [['--body-buffer-limit=1k'], 1024],
      [['-body-buffer-limit', '2048'], 2048],
      [['-body-buffer-limit=2KiB'], 2048],
    ] as const) {
      const r = await post([...limit]);
      assert.equal(r.code, 5, `${limit.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(lines(r.stdout, 'write-error after ')[0], `${bytes} bytes`, limit.join(' '));
    }
    for (const limit of [
      [],
      ['--body-buffer-limit', '4K'],
      ['--body-buffer-limit=64M'],
      ['--body-buffer-limit', '1G'],
    ]) {
      const r = await post(limit);
      assert.equal(r.code, 0, `${limit.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.equal(field(r.stdout, 'status'), '200');
      assert.equal(origin.seen.at(-1)?.bytes, 4096);
    }
  });

  void it('should trace a long run completely when stderr is read late', async () => {
    const r = await runWithSlowReader(
      ['--trace', httpc, '--hash', '--read-size', '64', 'GET', `${origin.url}/big`],
      500,
    );
    const last = r.stderr.slice(r.stderr.lastIndexOf('\n', r.stderr.length - 2) + 1);
    assert.ok(!r.stderr.includes('wasirun: trap'), `the run trapped: ${last}`);
    assert.equal(r.code, 0, last);
    assert.equal(field(r.stdout, 'body-bytes'), String(big.length));
    const reads = r.stderr.split('\n').filter((l) => l.startsWith('wasirun trace: streams.read('));
    assert.ok(reads.length >= big.length / 64, `${reads.length} read lines`);
  });
});
