import assert from 'node:assert/strict';
import type http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { escape, field, lines, run, runWithSlowReader, type CliResult } from './helpers/cli.js';
import { pattern, startOrigin, type Origin } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';

const envWasm = guest('env');
const httpc = guest('httpc');
const httpGet = repoPath('examples', 'http-get.wasm');

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
