import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { pattern } from './helpers/origin.js';
import { guest, repoPath } from './helpers/paths.js';
import {
  eventually,
  rawExchange,
  request,
  startServer,
  values,
  withServer,
  type TestServer,
} from './helpers/server.js';
import { RESPONSE_IMPORTS, compileWat } from './helpers/wat.js';

const routes = guest('routes-server');
const noResponse = repoPath('examples', 'no-response-server.wasm');

/**
 * A guest that answers its first four calls with set-response-outparam(err(e))
 * for e = invalid-url, timeout-error, protocol-error, unexpected-error, each
 * carrying "the origin is unhappy"; later calls set ok(201 response) and return
 * without writing or finishing the body.
 */
const ERRORS_WAT = `(module
  (import "types" "new-fields" (func $fields (param i32 i32) (result i32)))
  (import "types" "new-outgoing-response" (func $response (param i32 i32) (result i32)))
  (import "types" "set-response-outparam" (func $set (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 64) "the origin is unhappy")
  (global $n (mut i32) (i32.const 0))
  (func (export "HTTP#handle") (param $request i32) (param $out i32)
    (if (i32.lt_u (global.get $n) (i32.const 4))
      (then (drop (call $set (local.get $out) (i32.const 1) (global.get $n) (i32.const 64) (i32.const 21))))
      (else
        (drop (call $set (local.get $out) (i32.const 0)
          (call $response (i32.const 201) (call $fields (i32.const 0) (i32.const 0)))
          (i32.const 0) (i32.const 0)))))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))))`;

/**
 * A guest that writes and finishes its body, "whole body\n", before
 * set-response-outparam, with status 200, 204, 200 for its calls 0, 1, 2.
 */
const WHOLE_WAT = `(module
  ${RESPONSE_IMPORTS}
  (memory (export "memory") 1)
  (data (i32.const 64) "whole body\\n")
  (data (i32.const 128) "\\c8\\00\\00\\00\\cc\\00\\00\\00\\c8\\00\\00\\00")
  (global $n (mut i32) (i32.const 0))
  (func (export "HTTP#handle") (param $request i32) (param $out i32)
    (local $response i32) (local $stream i32)
    (local.set $response
      (call $response
        (i32.load (i32.add (i32.const 128) (i32.shl (global.get $n) (i32.const 2))))
        (call $fields (i32.const 0) (i32.const 0))))
    (call $body (local.get $response) (i32.const 16))
    (local.set $stream (i32.load (i32.const 20)))
    (call $write (local.get $stream) (i32.const 64) (i32.const 11) (i32.const 32))
    (call $finish (local.get $stream) (i32.const 0) (i32.const 0))
    (drop (call $set (local.get $out) (i32.const 0) (local.get $response) (i32.const 0) (i32.const 0)))
    (global.set $n (i32.add (global.get $n) (i32.const 1)))))`;

void describe('serving: the response', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(routes, { workers: 2 });
  });
  after(async () => {
    await s.close();
  });

  void it('should send a body chunked when the guest set no content-length', async () => {
    const r = await request(`${s.url}/bytes?size=200000`);
    assert.equal(r.status, 200);
    assert.equal(r.headers['transfer-encoding'], 'chunked');
    assert.equal(r.headers['content-length'], undefined);
    assert.deepEqual(r.body, pattern(0, 200_000));
  });

  void it("should send the guest's content-length and no chunking when it set one", async () => {
    const r = await request(`${s.url}/bytes?size=200000&cl=1`);
    assert.equal(r.headers['content-length'], '200000');
    assert.equal(r.headers['transfer-encoding'], undefined);
    assert.deepEqual(r.body, pattern(0, 200_000));
  });

  void it('should send every value of a multi-valued header, Set-Cookie included', async () => {
    const r = await request(`${s.url}/headers`);
    assert.deepEqual(values(r.rawHeaders, 'x-multi'), ['a', 'b']);
    assert.deepEqual(values(r.rawHeaders, 'set-cookie'), ['c=1', 'd=2']);
    assert.equal(r.text, 'ok\n');
  });

  void it("should send the guest's trailers after the body", async () => {
    const r = await request(`${s.url}/trailers`);
    assert.equal(r.text, 'body\n');
    assert.deepEqual(r.rawTrailers, ['x-checksum', 'abc', 'x-count', '1', 'x-count', '2']);
  });

  void it('should send a small body the guest finished before waiting whole, with a content-length, each time', async () => {
    // /hello sets the response, then writes and finishes its body: the response waits for the finish.
    for (let i = 0; i < 100; i++) {
      const r = await request(`${s.url}/hello`);
      assert.equal(r.headers['content-length'], '6', `request ${i}`);
      assert.equal(r.headers['transfer-encoding'], undefined, `request ${i}`);
      assert.equal(r.text, 'hello\n');
    }
  });

  void it('should send the head at the first write, before the body is finished', async () => {
    const started = Date.now();
    const req = http.get(`${s.url}/slow-write?n=3&ms=400`, { agent: false });
    const [res] = (await once(req, 'response')) as [http.IncomingMessage];
    const headAt = Date.now() - started;
    res.resume();
    await once(res, 'end');
    const endAt = Date.now() - started;
    assert.ok(endAt - headAt >= 600, `head at ${headAt} ms, end at ${endAt} ms`);
  });

  void it('should send the head at finish when nothing was written: an empty 200', async () => {
    const r = await request(`${s.url}/bytes?size=0`);
    assert.equal(r.status, 200);
    assert.equal(r.body.length, 0);
  });

  void it("should pass the guest's status, and send no body for 204", async () => {
    const teapot = await request(`${s.url}/status?code=418`);
    assert.equal(teapot.status, 418);
    assert.equal(teapot.text, 'status 418\n');
    const empty = await request(`${s.url}/status?code=204`);
    assert.equal(empty.status, 204);
    assert.equal(empty.body.length, 0);
  });

  void it('should answer 500 for a status out of range', async () => {
    for (const code of [99, 1000]) {
      const r = await request(`${s.url}/status?code=${code}`);
      assert.equal(r.status, 500, String(code));
      assert.match(r.text, new RegExp(`invalid status ${code}`));
    }
  });

  void it('should answer HEAD with the head only, keeping the connection usable', async () => {
    const r = await rawExchange(
      s.url,
      'HEAD /bytes?size=100000 HTTP/1.1\r\nHost: x\r\n\r\nGET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
      5000,
    );
    assert.match(r.received, /^HTTP\/1\.1 200 /);
    const second = r.received.indexOf('HTTP/1.1 ', 1);
    assert.equal(second, r.received.indexOf('\r\n\r\n') + 4, `no body after the HEAD head:\n${r.received}`);
    assert.match(r.received.slice(second), /^HTTP\/1\.1 200 [^]*\r\n\r\n(6\r\n)?hello\n/);
  });

  void it('should answer set-response-outparam(err(protocol-error)) with 502 and its text', async () => {
    const r = await request(`${s.url}/error`);
    assert.equal(r.status, 502);
    assert.match(r.headers['content-type'] ?? '', /^text\/plain/);
    assert.match(r.text, /upstream said no/);
  });
});

/** A guest that sets a 200 response, writes "partial\n" to its body, then traps. */
const TRAP_AFTER_WRITE_WAT = `(module
  ${RESPONSE_IMPORTS}
  (memory (export "memory") 1)
  (data (i32.const 64) "partial\\n")
  (func (export "HTTP#handle") (param $request i32) (param $out i32)
    (local $response i32)
    (local.set $response (call $response (i32.const 200) (call $fields (i32.const 0) (i32.const 0))))
    (call $body (local.get $response) (i32.const 16))
    (drop (call $set (local.get $out) (i32.const 0) (local.get $response) (i32.const 0) (i32.const 0)))
    (call $write (i32.load (i32.const 20)) (i32.const 64) (i32.const 8) (i32.const 32))
    unreachable))`;

void describe('serving: a whole body', () => {
  void it('should send a body finished before set-response-outparam with a content-length, in one exchange', async () => {
    await withServer(await compileWat(WHOLE_WAT), { workers: 1 }, async (s) => {
      const r = await rawExchange(s.url, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 5000);
      const [head = '', body] = r.received.split('\r\n\r\n');
      assert.deepEqual(head.split('\r\n').slice(0, 2), ['HTTP/1.1 200 OK', 'content-length: 11']);
      assert.doesNotMatch(head, /transfer-encoding/i);
      assert.equal(body, 'whole body\n');
      const noContent = await request(`${s.url}/`);
      assert.equal(noContent.status, 204);
      assert.equal(noContent.headers['content-length'], undefined, 'a 204 has no length');
      const head2 = await request(`${s.url}/`, { method: 'HEAD' });
      assert.equal(head2.status, 200);
      assert.equal(head2.headers['content-length'], undefined, 'a HEAD sends no body, and claims no length');
      // The access log counts the body bytes that went on the wire: none for the 204 and the HEAD.
      await eventually(() => s.access.length === 3, 'three access-log lines');
      assert.deepEqual(
        s.access.map((line) => line.replace(/ [\d.]+ms /, ' ')),
        ['GET / 200 11B instance=0', 'GET / 204 0B instance=0', 'HEAD / 200 0B instance=0'],
      );
    });
  });
});

void describe('serving: error values and missing responses', () => {
  void it('should answer 500, 504, 502 and 500 for invalid-url, timeout-error, protocol-error, unexpected-error', async () => {
    await withServer(await compileWat(ERRORS_WAT), { workers: 1 }, async (s) => {
      for (const [tag, status] of [
        ['invalid-url', 500],
        ['timeout-error', 504],
        ['protocol-error', 502],
        ['unexpected-error', 500],
      ] as const) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, status, tag);
        assert.match(r.text, /the origin is unhappy/, tag);
      }
      const returned = await request(`${s.url}/`);
      assert.equal(returned.status, 201, 'the head goes out when handle returns');
      assert.equal(returned.headers['content-length'], '0', 'an empty body is whole');
      assert.equal(returned.body.length, 0);
    });
  });

  void it('should answer 500 for a header Node refuses, and give back the ring space of the body already written', async () => {
    await withServer(routes, { workers: 1, handlerTimeoutMs: 10_000 }, async (s) => {
      const bad = await request(`${s.url}/bytes?size=2000000&bad=1`);
      assert.equal(bad.status, 500);
      assert.match(bad.text, /not valid HTTP/);
      // 6 MB more through the same instance's 4 MiB ring: lent space that was never given back would stall it.
      for (let i = 0; i < 3; i++) {
        const r = await request(`${s.url}/bytes?size=2000000`);
        assert.equal(r.status, 200, r.text);
        assert.deepEqual(r.body, pattern(0, 2_000_000));
      }
    });
  });

  void it('should answer 500, not a cut response, when the guest traps after writing part of its body', async () => {
    // The response waits on the guest's thread for the body's finish, and the guest never gets there.
    await withServer(await compileWat(TRAP_AFTER_WRITE_WAT), { workers: 1 }, async (s) => {
      for (let i = 0; i < 5; i++) {
        const r = await request(`${s.url}/`);
        assert.equal(r.status, 500, `request ${i}`);
        assert.equal(r.text, 'guest trapped: unreachable\n', `request ${i}`);
      }
    });
  });

  void it('should hold a body to the buffer limit only until its response is set', async () => {
    // WHOLE_WAT writes 11 bytes, then sets its response: past a 4-byte limit, a 500 that says so.
    await withServer(await compileWat(WHOLE_WAT), { workers: 1, bodyBufferLimit: 4 }, async (s) => {
      const r = await request(`${s.url}/`, { timeoutMs: 5000 });
      assert.equal(r.status, 500);
      assert.equal(
        r.text,
        "the guest's response body failed: body exceeds the 4-byte buffer for data written before it is sent\n",
      );
    });
    // /hello sets its response, then writes 6 bytes: they stream.
    await withServer(routes, { workers: 1, bodyBufferLimit: 4 }, async (s) => {
      const r = await request(`${s.url}/hello`, { timeoutMs: 5000 });
      assert.equal(r.status, 200);
      assert.equal(r.text, 'hello\n');
    });
  });

  void it('should answer 500 saying so when handle returns without a response', async () => {
    await withServer(noResponse, { workers: 1 }, async (s) => {
      const r = await request(`${s.url}/`, { method: 'POST', body: 'ignored' });
      assert.equal(r.status, 500);
      assert.match(r.text, /returned without (setting )?a response/);
      const again = await request(`${s.url}/`);
      assert.equal(again.status, 500);
    });
  });
});
