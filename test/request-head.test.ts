import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Codec } from '../src/bridge/codec.js';
import { RequestHeads, encodeRequestHead } from '../src/bridge/request-head.js';
import type { IncomingRequestHead } from '../src/engine/io/served.js';

const head: IncomingRequestHead = {
  method: 'PROPFIND',
  path: '/a/ü',
  query: '?q=1',
  scheme: undefined,
  authority: 'example.test:8080',
  headers: [
    ['host', 'example.test:8080'],
    ['x-multi', 'a'],
    ['x-multi', 'é'],
  ],
};

void describe('a served request head on the guest thread', () => {
  void it('should copy its encoding, ending where the head ends, and decode it when first read', () => {
    const area = Buffer.alloc(1024);
    const c = encodeRequestHead(new Codec(area).at(0), head).u32(0xabcd);
    const end = c.pos;
    const received = new RequestHeads().take(new Codec(area).at(0));
    // The inbox slot is refilled once taken: what the guest reads later must not change with it.
    const next = new Codec(area).at(0);
    encodeRequestHead(next, { ...head, method: 'GET', path: '/other', headers: [] });
    assert.equal(next.pos < end, true);
    assert.equal(received.method, 'PROPFIND');
    assert.equal(received.path, '/a/ü');
    assert.equal(received.query, '?q=1');
    assert.equal(received.scheme, undefined);
    assert.equal(received.authority, 'example.test:8080');
    assert.deepEqual(received.headers, head.headers);
  });

  void it('should take a head bigger than the one before, and the next one after it', () => {
    const heads = new RequestHeads();
    const area = Buffer.alloc(64 * 1024);
    const big: IncomingRequestHead = { ...head, headers: [['x-big', 'b'.repeat(20_000)]] };
    const c = encodeRequestHead(encodeRequestHead(new Codec(area).at(0), big), head);
    const r = new Codec(area).at(0);
    assert.deepEqual(heads.take(r).headers, big.headers);
    const second = heads.take(r);
    assert.equal(r.pos, c.pos);
    assert.equal(second.method, 'PROPFIND');
    assert.deepEqual(second.headers, head.headers);
  });

  void it('should leave the codec just past the head, at what follows it', () => {
    const c = encodeRequestHead(new Codec(Buffer.alloc(1024)).at(0), { ...head, scheme: 'https' }).u32(7);
    const r = new Codec(c.buf).at(0);
    const received = new RequestHeads().take(r);
    assert.equal(r.readU32(), 7);
    assert.equal(received.scheme, 'https');
  });
});
