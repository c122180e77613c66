import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { field, lines, wasirun } from './helpers/cli.js';
import { fnv1a64, startOrigin, startRawOrigin, type Origin } from './helpers/origin.js';
import { guest } from './helpers/paths.js';
import { loadUndiciParts } from '../src/engine/io/undici-transport.js';
import { makeCerts, type TestCerts } from './helpers/tls.js';

const httpc = guest('httpc');

/** Pairs of a raw header list, names lower-cased. */
const pairs = (raw: readonly string[]): [string, string][] => {
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) out.push([String(raw[i]).toLowerCase(), String(raw[i + 1])]);
  return out;
};

describe('outgoing requests', () => {
  let origin: Origin;
  let tlsOrigin: Origin;
  let certs: TestCerts;

  before(async () => {
    const handler = (
      req: import('node:http').IncomingMessage,
      res: import('node:http').ServerResponse,
    ): void => {
      req.resume();
      req.on('end', () => {
        res.setHeader('X-Multi', ['one', 'two']);
        res.setHeader('X-Mixed-Case', 'v');
        res.end(`${req.method} ${req.url}`);
      });
    };
    origin = await startOrigin(handler);
    certs = makeCerts();
    tlsOrigin = await startOrigin(handler, certs);
  });
  after(async () => {
    await origin.close();
    await tlsOrigin.close();
  });

  it('should GET with the query verbatim and print status, headers and body', async () => {
    const r = await wasirun([httpc, 'GET', `${origin.url}/a/b?z=1&a=%20x`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.url, '/a/b?z=1&a=%20x');
    assert.equal(field(r.stdout, 'status'), '200');
    const headers = lines(r.stdout, 'header: ');
    assert.deepEqual(
      headers.filter((h) => h.startsWith('x-')),
      ['x-multi: one', 'x-multi: two', 'x-mixed-case: v'],
      'response header names arrive lower-case, one entry per value',
    );
    assert.equal(field(r.stdout, 'body'), 'GET /a/b?z=1&a=%20x');
    assert.equal(field(r.stdout, 'body-fnv1a64'), fnv1a64(Buffer.from('GET /a/b?z=1&a=%20x')));
  });

  it('should send every value of a header as its own line, in order', async () => {
    const r = await wasirun([
      httpc,
      '-H',
      'X-Dup:1',
      '-H',
      'x-dup:2',
      '--append',
      'X-DUP:3',
      'GET',
      `${origin.url}/`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const raw = origin.seen.at(-1)?.rawHeaders ?? [];
    const dups = [];
    for (let i = 0; i < raw.length; i += 2)
      if (raw[i]?.toLowerCase() === 'x-dup') dups.push(`${raw[i]}=${raw[i + 1]}`);
    assert.deepEqual(dups, ['X-Dup=1', 'x-dup=2', 'X-DUP=3']);
  });

  it('should take Host from the authority and drop hop-by-hop headers', async () => {
    const hop = ['Connection:close', 'Keep-Alive:timeout=1', 'Transfer-Encoding:gzip', 'Upgrade:websocket'];
    const more = ['Proxy-Connection:close', 'TE:trailers', 'Host:evil.example', 'X-Kept:yes'];
    const args = [...hop, ...more].flatMap((h) => ['-H', h]);
    const r = await wasirun([httpc, ...args, 'GET', `${origin.url}/hop`]);
    assert.equal(r.code, 0, r.stderr);
    const seen = pairs(origin.seen.at(-1)?.rawHeaders ?? []);
    assert.deepEqual(
      seen.filter(([n]) => n === 'host'),
      [['host', origin.authority]],
    );
    for (const [name, value] of seen) {
      assert.ok(
        !['close', 'timeout=1', 'gzip', 'websocket', 'trailers', 'evil.example'].includes(value),
        `${name}: ${value}`,
      );
    }
    assert.ok(seen.some(([n, v]) => n === 'x-kept' && v === 'yes'));
  });

  it('should send method other() verbatim', async () => {
    const r = await wasirun([httpc, 'PROPFIND', `${origin.url}/m`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(origin.seen.at(-1)?.method, 'PROPFIND');
    assert.equal(field(r.stdout, 'body'), 'PROPFIND /m');

    const raw = await startRawOrigin(() => 'HTTP/1.1 204 No Content\r\n\r\n');
    const lower = await wasirun([httpc, 'patch', `http://${raw.authority}/x`]);
    await raw.close();
    assert.equal(field(lower.stdout, 'status'), '204', lower.stderr);
    assert.match(raw.received[0]?.toString('latin1') ?? '', /^patch \/x HTTP\/1\.1\r\n/);
  });

  it('should POST a body written before handle with a content-length', async () => {
    const r = await wasirun([
      httpc,
      '-H',
      'Content-Type:application/json',
      '-d',
      '{"foo": "bar"}',
      'POST',
      `${origin.url}/post`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const seen = origin.seen.at(-1);
    assert.equal(seen?.body.toString(), '{"foo": "bar"}');
    const headers = pairs(seen.rawHeaders);
    assert.ok(headers.some(([n, v]) => n === 'content-length' && v === '14'));
    assert.ok(!headers.some(([n]) => n === 'transfer-encoding'));
  });

  it("should keep a header value's UTF-8 bytes", async () => {
    const r = await wasirun([httpc, '-H', 'X-Utf8:é€', 'GET', `${origin.url}/`]);
    assert.equal(r.code, 0, r.stderr);
    const raw = origin.seen.at(-1)?.rawHeaders ?? [];
    const value = raw[raw.findIndex((h) => h === 'X-Utf8') + 1] ?? '';
    assert.deepEqual(Buffer.from(value, 'latin1'), Buffer.from('é€', 'utf8'));
  });

  it('should speak HTTPS trusting NODE_EXTRA_CA_CERTS, and treat scheme none as HTTPS', async () => {
    const env = { NODE_EXTRA_CA_CERTS: certs.caFile };
    const https = await wasirun([httpc, 'GET', `${tlsOrigin.url}/tls`], env);
    assert.equal(https.code, 0, https.stderr);
    assert.equal(field(https.stdout, 'body'), 'GET /tls');
    const none = await wasirun([httpc, '--scheme', 'none', 'GET', `http://${tlsOrigin.authority}/none`], env);
    assert.equal(none.code, 0, none.stderr);
    assert.equal(field(none.stdout, 'body'), 'GET /none');
  });

  it("should trust the system's store (SSL_CERT_FILE, as OpenSSL reads it) besides Node's", async () => {
    const env = { SSL_CERT_FILE: certs.caFile, NODE_EXTRA_CA_CERTS: undefined };
    const r = await wasirun([httpc, 'GET', `${tlsOrigin.url}/system`], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(field(r.stdout, 'body'), 'GET /system');
    const trailers = await wasirun(
      [httpc, '-d', 'x', '--trailer', 'X-T:1', 'POST', `${tlsOrigin.url}/node`],
      env,
    );
    assert.equal(field(trailers.stdout, 'body'), 'POST /node', trailers.stdout + trailers.stderr);
  });

  it('should refuse an untrusted certificate with protocol-error', async () => {
    const r = await wasirun([httpc, 'GET', `${tlsOrigin.url}/tls`], { NODE_EXTRA_CA_CERTS: undefined });
    assert.equal(r.code, 3);
    assert.match(field(r.stdout, 'error') ?? '', /^protocol-error: .*certificate/);
  });

  it('should accept scheme other("http") and other("HTTPS") by name', async () => {
    const r = await wasirun([httpc, '--scheme', 'other:HTTP', 'GET', `${origin.url}/o`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'body'), 'GET /o');
  });

  it('should return the same response from a second future-incoming-response-get', async () => {
    const r = await wasirun([httpc, '--get-twice', 'GET', `${origin.url}/twice`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'same-response'), '1');
    assert.equal(origin.seen.filter((s) => s.url === '/twice').length, 1);
  });

  it('should make a readable future and stream with poll-oneoff', async () => {
    const r = await wasirun([httpc, '--poll', 'GET', `${origin.url}/poll`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'poll-future'), '1');
    assert.equal(field(r.stdout, 'body'), 'GET /poll');
  });
});

describe('the HTTP client', () => {
  it("should load undici's agent and connector from their own modules, the very ones undici exports", async () => {
    const parts = loadUndiciParts();
    const whole = await import('undici');
    // `whole` would mean undici moved them: the main module then serves, 50–60 ms slower to load.
    assert.equal(parts.whole, false);
    assert.equal(parts.Agent, whole.Agent);
    assert.equal(parts.buildConnector, whole.buildConnector);
  });
});
