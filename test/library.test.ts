import assert from 'node:assert/strict';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { field, lines } from './helpers/cli.js';
import { startOrigin, type Origin } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import { TRAP_WAT, compileWat } from './helpers/wat.js';
import {
  WasirunError,
  closeOutboundPools,
  loadModule,
  runCommand,
  type GuestModule,
  type RunOptions,
} from '../src/index.js';

const envWasm = guest('env');
const httpc = guest('httpc');
const misc = guest('misc');

const tmp = mkdtempSync(join(tmpdir(), 'wasirun-lib-'));
let files = 0;

/** What a guest printed to its stdout and stderr, captured in temp files. */
interface Captured {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mod` with its stdout and stderr on fresh temp files. */
async function capture(mod: GuestModule, options: RunOptions = {}): Promise<Captured> {
  const outPath = join(tmp, `out-${++files}.txt`);
  const errPath = join(tmp, `err-${files}.txt`);
  const stdout = openSync(outPath, 'w');
  const stderr = openSync(errPath, 'w');
  try {
    const code = await runCommand(mod, { ...options, stdout, stderr });
    return { code, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8') };
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
}

/** Asserts that `promise` rejects with a WasirunError of `code` whose message matches `message`. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: WasirunError['code'],
  message: RegExp,
): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof WasirunError, `not a WasirunError: ${String(err)}`);
    assert.equal(err.name, 'WasirunError');
    assert.equal(err.code, code);
    assert.match(err.message, message);
    return true;
  });
}

after(async () => {
  await closeOutboundPools();
  rmSync(tmp, { recursive: true, force: true });
});

void describe('loadModule', () => {
  void it('should compile a module from a path, named by its base name', async () => {
    const mod = await loadModule(envWasm);
    assert.ok(mod.module instanceof WebAssembly.Module);
    assert.equal(mod.name, 'env.wasm');
    assert.equal(mod.speaksHttp, false);
    assert.ok(WebAssembly.Module.exports(mod.module).some((e) => e.name === '_start'));
    const r = await capture(mod, { args: ['x'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'arg: env.wasm\narg: x\n');
  });

  void it('should compile a module from a file URL, named by its base name', async () => {
    const mod = await loadModule(pathToFileURL(httpc));
    assert.equal(mod.name, 'httpc.wasm');
    assert.equal(mod.speaksHttp, true);
  });

  void it('should compile a module from bytes, named "module"', async () => {
    const mod = await loadModule(new Uint8Array(readFileSync(envWasm)));
    assert.equal(mod.name, 'module');
    assert.equal(mod.speaksHttp, false);
    const r = await capture(mod, { args: ['--exit', '4'] });
    assert.equal(r.code, 4, r.stderr);
    assert.deepEqual(lines(r.stdout, 'arg: '), ['module', '--exit', '4'], "argv[0] is the module's name");
  });

  void it('should reject a path that does not exist with WASIRUN_LOAD', async () => {
    const missing = join(tmp, 'missing.wasm');
    await rejectsWith(loadModule(missing), 'WASIRUN_LOAD', new RegExp(`^cannot read ${missing}: .*ENOENT`));
  });

  void it('should reject bytes or a file that are not a valid module with WASIRUN_LOAD', async () => {
    await rejectsWith(
      loadModule(new Uint8Array([0, 0x61, 0x73, 0x6d, 2, 0, 0, 0])),
      'WASIRUN_LOAD',
      /^module is not a valid WebAssembly module: \S/,
    );
    const bogus = join(tmp, 'bogus.wasm');
    writeFileSync(bogus, 'not wasm at all');
    await rejectsWith(
      loadModule(bogus),
      'WASIRUN_LOAD',
      /^bogus\.wasm is not a valid WebAssembly module: \S/,
    );
    await rejectsWith(
      loadModule(new Uint8Array()),
      'WASIRUN_LOAD',
      /^module is not a valid WebAssembly module/,
    );
  });

  void it('should tell whether a module speaks wasi-http (speaksHttp)', async () => {
    assert.equal((await loadModule(httpc)).speaksHttp, true, 'httpc imports v1');
    assert.equal((await loadModule(misc)).speaksHttp, true, 'misc imports random and console');
    assert.equal((await loadModule(repoPath('examples', 'http-get.wasm'))).speaksHttp, true);
    assert.equal((await loadModule(envWasm)).speaksHttp, false, 'env imports WASI only');
    const handler = await compileWat(
      `(module (memory (export "memory") 1) (func (export "HTTP#handle") (param i32 i32)) (func (export "_start")))`,
    );
    assert.equal((await loadModule(handler)).speaksHttp, true, 'exporting HTTP#handle is speaking v1');
    const plain = await compileWat(`(module (memory (export "memory") 1) (func (export "_start")))`);
    assert.equal((await loadModule(plain)).speaksHttp, false);
  });
});

void describe('runCommand', () => {
  let env: GuestModule;
  let trap: GuestModule;

  before(async () => {
    env = await loadModule(envWasm);
    trap = await loadModule(await compileWat(TRAP_WAT));
  });

  void it("should resolve to the guest's exit code", async () => {
    assert.equal(await capture(env).then((r) => r.code), 0);
    assert.equal(await capture(env, { args: ['--exit', '7'] }).then((r) => r.code), 7);
    assert.equal(await capture(env, { args: ['--exit', '1'] }).then((r) => r.code), 1);
    assert.equal(await capture(env, { args: ['--exit', '0'] }).then((r) => r.code), 0);
  });

  void it('should pass args and env, and no environment of its own', async () => {
    process.env.WASIRUN_LIB_PARENT = 'must not leak';
    try {
      const r = await capture(env, { args: ['a', 'b c', ''], env: { A: '1', B: 'x=y', EMPTY: '' } });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'arg: env.wasm\narg: a\narg: b c\narg: \nenv: A=1\nenv: B=x=y\nenv: EMPTY=\n');
      assert.equal(r.stderr, '');
      const bare = await capture(env);
      assert.equal(bare.stdout, 'arg: env.wasm\n');
    } finally {
      delete process.env.WASIRUN_LIB_PARENT;
    }
  });

  void it('should preopen dirs at the same path, and nothing else', async () => {
    const dir = join(tmp, 'shared');
    const other = join(tmp, 'private');
    mkdirSync(dir);
    mkdirSync(other);
    writeFileSync(join(dir, 'hello.txt'), 'hello from the dir\nmore\n');
    writeFileSync(join(other, 'secret.txt'), 'secret\n');
    const args = ['--cat', join(dir, 'hello.txt'), '--cat', join(other, 'secret.txt')];
    const r = await capture(env, { args, dirs: [dir] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(lines(r.stdout, 'file: '), [
      'hello from the dir',
      `cannot open ${join(other, 'secret.txt')}`,
    ]);
    const none = await capture(env, { args });
    assert.deepEqual(lines(none.stdout, 'file: '), [
      `cannot open ${join(dir, 'hello.txt')}`,
      `cannot open ${join(other, 'secret.txt')}`,
    ]);
  });

  void it('should write WASI stdio and the log imports to the stdout and stderr fds given', async () => {
    const r = await capture(await loadModule(misc));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'random-bytes: 32 32 differ=1\nrandom-bytes-empty: 0\nrandom-u64 differ=1\ninsecure-random: ok\n' +
        'hello from log-it\ndone\n',
    );
    assert.equal(
      r.stderr,
      'TRACE ctx: level 0\nDEBUG ctx: level 1\nINFO ctx: level 2\nWARN ctx: level 3\nERROR ctx: level 4\n',
    );
  });

  void it('should run a module without wasi-http imports under http none, auto and v1', async () => {
    for (const http of ['none', 'auto', 'v1'] as const) {
      const r = await capture(env, { http, args: ['--exit', '5'] });
      assert.equal(r.code, 5, `${http}: ${r.stderr}`);
      assert.equal(r.stdout, 'arg: env.wasm\narg: --exit\narg: 5\n');
    }
  });

  void it('should reject a v1 module under http none with WASIRUN_LINK, before it runs', async () => {
    await rejectsWith(
      capture(trap, { http: 'none' }),
      'WASIRUN_LINK',
      /^the module imports types\.incoming-response-status, which wasirun does not provide \(.+\)$/,
    );
    await rejectsWith(
      capture(await loadModule(httpc), { http: 'none', args: ['GET', 'http://127.0.0.1:1/'] }),
      'WASIRUN_LINK',
      /^the module imports types\.[a-z-]+, which wasirun does not provide/,
    );
  });

  void it('should reject a trap with WASIRUN_TRAP and its message, and run the next guest normally', async () => {
    const outPath = join(tmp, 'trap-out.txt');
    const fd = openSync(outPath, 'w');
    try {
      await rejectsWith(
        runCommand(trap, { stdout: fd }),
        'WASIRUN_TRAP',
        /^types\.incoming-response-status: unknown incoming-response handle 42$/,
      );
    } finally {
      closeSync(fd);
    }
    assert.equal(readFileSync(outPath, 'utf8'), 'before the trap\n', 'output before the trap is kept');

    const r = await capture(env, { args: ['after'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'arg: env.wasm\narg: after\n');
    await rejectsWith(capture(trap), 'WASIRUN_TRAP', /unknown incoming-response handle 42/);
    assert.equal((await capture(env, { args: ['--exit', '9'] })).code, 9);
  });
});

void describe('runCommand with HTTP', () => {
  let origin: Origin;
  let httpcMod: GuestModule;
  /** Requests /gate/* wait here until three have arrived. */
  const waiting: (() => void)[] = [];

  before(async () => {
    httpcMod = await loadModule(httpc);
    origin = await startOrigin((req: http.IncomingMessage, res: http.ServerResponse) => {
      req.resume();
      const reply = (): void => {
        res.setHeader('X-Path', req.url ?? '');
        res.end(`${req.method ?? ''} ${req.url ?? ''}`);
      };
      if (req.url?.startsWith('/gate/') !== true) {
        reply();
        return;
      }
      waiting.push(reply);
      if (waiting.length === 3) for (const release of waiting.splice(0)) release();
    });
  });
  after(async () => {
    await origin.close();
  });

  void it(
    'should run one GuestModule three times at once, each in its own instance',
    { timeout: 30_000 },
    async () => {
      const runs = ['a', 'b', 'c'].map((name) =>
        capture(httpcMod, { args: ['GET', `${origin.url}/gate/${name}`], trace: true }),
      );
      const results = await Promise.all(runs);
      assert.deepEqual(
        results.map((r) => r.code),
        [0, 0, 0],
        results.map((r) => r.stdout + r.stderr).join('\n'),
      );
      for (const [i, name] of ['a', 'b', 'c'].entries()) {
        const r = results[i];
        assert.ok(r);
        assert.equal(field(r.stdout, 'status'), '200');
        assert.equal(field(r.stdout, 'body'), `GET /gate/${name}`, 'each run gets its own response');
        assert.ok(lines(r.stdout, 'header: ').includes(`x-path: /gate/${name}`));
        assert.equal(
          r.stderr.split('\n')[0],
          'wasirun trace: types.new-fields([]) -> 1',
          'each instance has its own handle table and its own trace on its stderr',
        );
      }
      assert.deepEqual(origin.seen.map((s) => s.url).sort(), ['/gate/a', '/gate/b', '/gate/c']);
    },
  );

  void it('should still do HTTP after a guest trapped', async () => {
    await rejectsWith(capture(await loadModule(await compileWat(TRAP_WAT))), 'WASIRUN_TRAP', /handle 42$/);
    const r = await capture(httpcMod, { args: ['GET', `${origin.url}/after-trap`] });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(field(r.stdout, 'body'), 'GET /after-trap');
  });

  void it('should trace to the stderr fd given, and not without trace', async () => {
    const traced = await capture(httpcMod, { args: ['GET', `${origin.url}/t`], trace: true });
    assert.equal(traced.code, 0, traced.stderr);
    const trace = traced.stderr.split('\n').filter((l) => l !== '');
    assert.ok(trace.length > 5, traced.stderr);
    for (const line of trace) assert.match(line, /^wasirun trace: [A-Za-z-]+\.[a-z-]+\(.*\) -> \S/);
    assert.ok(trace.some((l) => /^wasirun trace: types\.incoming-response-status\(\d+\) -> 200$/.test(l)));
    const quiet = await capture(httpcMod, { args: ['GET', `${origin.url}/t`] });
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
    assert.equal(field(quiet.stdout, 'body'), 'GET /t');
  });

  void it('should apply bodyBufferLimit to a body written before handle', async () => {
    const post = ['--body-size', '4096', '--write-chunk', '512', 'POST', `${origin.url}/post`];
    const capped = await capture(httpcMod, { args: post, bodyBufferLimit: 1536 });
    assert.equal(capped.code, 5, capped.stdout + capped.stderr);
    assert.deepEqual(lines(capped.stdout, 'write-error after '), ['1536 bytes']);
    const ok = await capture(httpcMod, { args: post });
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.equal(origin.seen.at(-1)?.bytes, 4096);
  });
});
