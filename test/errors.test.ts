import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { field, lines, wasirun } from './helpers/cli.js';
import { startOrigin, startRawOrigin, type Origin, type RawOrigin } from './helpers/origin.js';
import { guest } from './helpers/paths.js';
import { BUMP_REALLOC, compileWat } from './helpers/wat.js';
import { loadModule, runCommand } from '../src/index.js';

const httpc = guest('httpc');

/** Runs httpc and returns its `error:` line; the guest exits 3 when it gets an error value. */
async function errorOf(args: string[]): Promise<string> {
  const r = await wasirun([httpc, ...args]);
  assert.equal(r.code, 3, `expected an error value, got exit ${r.code}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stderr, '', 'an error value is not a trap and prints nothing on stderr');
  return field(r.stdout, 'error') ?? '';
}

describe('failures come back as the WIT error value', () => {
  let silent: RawOrigin;
  let stalling: Origin;

  before(async () => {
    silent = await startRawOrigin();
    stalling = await startOrigin((req, res) => {
      req.resume();
      if (req.url === '/stall-head') return;
      res.writeHead(200, { 'content-length': '100' });
      res.write('partial');
    });
  });
  after(async () => {
    await silent.close();
    await stalling.close();
  });

  it('should give unexpected-error with the reason for a refused connection', async () => {
    const closed = await startRawOrigin();
    await closed.close();
    assert.equal(
      await errorOf(['GET', `http://${closed.authority}/`]),
      `unexpected-error: connect ECONNREFUSED ${closed.authority}`,
    );
  });

  it('should give invalid-url for a bad authority, scheme or path', async () => {
    assert.equal(await errorOf(['GET', 'http://bad host/']), 'invalid-url: invalid authority "bad host"');
    assert.equal(await errorOf(['GET', 'http:///x']), 'invalid-url: invalid authority ""');
    assert.equal(
      await errorOf(['GET', 'ftp://127.0.0.1/x']),
      'invalid-url: unsupported scheme "ftp": only http and https are supported',
    );
    assert.equal(
      await errorOf(['GET', 'http://127.0.0.1/a b']),
      'invalid-url: invalid path or query "/a b": use percent-encoding',
    );
  });

  it('should give timeout-error when the connection is not made in time', async () => {
    // The raw origin accepts TCP but never answers the TLS handshake.
    const error = await errorOf(['--connect-timeout', '200', 'GET', `https://${silent.authority}/`]);
    assert.equal(error, `timeout-error: connect timeout: no connection to ${silent.authority} within 200 ms`);
  });

  it('should give timeout-error when no response comes in time', async () => {
    const error = await errorOf(['--first-byte-timeout', '300', 'GET', `${stalling.url}/stall-head`]);
    assert.equal(
      error,
      `timeout-error: first-byte timeout: no response from ${stalling.authority} within 300 ms`,
    );
  });

  it('should fail the body stream when it stalls longer than the between-bytes timeout', async () => {
    const r = await wasirun([httpc, '--between-bytes-timeout', '300', 'GET', `${stalling.url}/stall-body`]);
    assert.equal(r.code, 4, r.stdout);
    assert.equal(field(r.stdout, 'status'), '200');
    assert.deepEqual(lines(r.stdout, 'read-error'), [' after 7 bytes']);
  });

  it('should give protocol-error for headers that are not HTTP, with nothing on the wire', async () => {
    const wire = await startRawOrigin(() => 'HTTP/1.1 204 No Content\r\n\r\n');
    const url = `http://${wire.authority}/`;
    assert.equal(
      await errorOf(['-H', 'Bad Name:1', 'GET', url]),
      'protocol-error: invalid header name "Bad Name"',
    );
    assert.equal(
      await errorOf(['-H', 'X-Split:a\r\nInjected: 1', 'GET', url]),
      'protocol-error: invalid value for header X-Split: "a\\r\\nInjected: 1"',
    );
    assert.equal(await errorOf(['GE T', url]), 'protocol-error: invalid method "GE T"');
    assert.equal(
      await errorOf(['--trailer', 'Bad Trailer:1', '-d', 'x', 'POST', url]),
      'protocol-error: invalid trailer "Bad Trailer"',
    );
    assert.equal(wire.connections(), 0, 'nothing may reach the origin');
    await wire.close();
  });

  it('should give protocol-error for a NUL in a header value, with nothing on the wire', async () => {
    const wire = await startRawOrigin(() => 'HTTP/1.1 204 No Content\r\n\r\n');
    const authority = wire.authority;
    // Sends GET / with header `X-Nul: a<NUL>b`; exits 10 + the error tag, or 1 when there was no error.
    const mod = await loadModule(
      await compileWat(String.raw`(module
        (import "types" "new-fields" (func $fields (param i32 i32) (result i32)))
        (import "types" "new-outgoing-request" (func $request
          (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
        (import "default-outgoing-HTTP" "handle" (func $handle
          (param i32 i32 i32 i32 i32 i32 i32 i32) (result i32)))
        (import "types" "future-incoming-response-get" (func $get (param i32 i32)))
        (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\40\00\00\00\05\00\00\00\50\00\00\00\03\00\00\00")
        (data (i32.const 64) "X-Nul")
        (data (i32.const 80) "a\00b")
        (data (i32.const 96) "${authority}")
        (data (i32.const 128) "/")
        ${BUMP_REALLOC}
        (func (export "_start")
          (call $get
            (call $handle
              (call $request (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 128) (i32.const 1)
                (i32.const 0) (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 0) (i32.const 0)
                (i32.const 96) (i32.const ${authority.length}) (call $fields (i32.const 0) (i32.const 1)))
              (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))
            (i32.const 256))
          (if (i32.load (i32.const 260)) (then (call $exit (i32.add (i32.const 10) (i32.load (i32.const 264))))))
          (call $exit (i32.const 1))))`),
    );
    assert.equal(await runCommand(mod), 12, 'protocol-error is tag 2');
    assert.equal(wire.connections(), 0);
    await wire.close();
  });
});
