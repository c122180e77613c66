import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { wasirun } from './helpers/cli.js';
import { startOrigin, type Origin } from './helpers/origin.js';
import { guest } from './helpers/paths.js';

describe('guests of the wit-bindgen 0.4.0 era', () => {
  let origin: Origin;

  before(async () => {
    origin = await startOrigin((req, res, seen) => {
      void seen.then((s) => {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('X-Reply', ['a', 'b']);
        res.end(JSON.stringify({ method: s.method, url: s.url, body: s.body.toString() }));
      });
    });
  });
  after(async () => {
    await origin.close();
  });

  it('should run the seed-shaped C client unchanged: GET with a query, POST with JSON', async () => {
    const r = await wasirun(['--env', `SERVER=${origin.authority}`, guest('seed-client')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const [get, post] = origin.seen;
    assert.equal(get?.method, 'GET');
    assert.equal(get.url, '/get?some=arg&goes=here');
    assert.equal(post?.method, 'POST');
    assert.equal(post.url, '/post');
    assert.equal(post.body.toString(), '{"foo": "bar"}');
    for (const seen of [get, post]) {
      const headers = seen.rawHeaders.join('|');
      assert.match(headers, /User-agent\|WASI-HTTP\/0\.0\.1/);
      assert.match(headers, /Content-type\|application\/json/);
    }
    const blocks = r.stdout.split('STATUS: ').slice(1);
    assert.equal(blocks.length, 2);
    const expected = [
      { method: 'GET', url: '/get?some=arg&goes=here', body: '' },
      { method: 'POST', url: '/post', body: '{"foo": "bar"}' },
    ];
    blocks.forEach((block, k) => {
      const text = block.split('\n');
      assert.equal(text[0], '200');
      assert.ok(text.includes('content-type: application/json'), block);
      assert.ok(text.includes('x-reply: a') && text.includes('x-reply: b'), block);
      assert.ok(text.includes(`data from read: ${JSON.stringify(expected[k])}`), block);
    });
  });

  it('should give fields their multi-valued, case-insensitive semantics', async () => {
    const r = await wasirun([guest('fields')]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        'entries: Content-Type=text/plain | X-Multi=a | x-multi=b | Set-Cookie=c=1',
        'get x-MULTI: [a, b]',
        'get absent: []',
        'entries: Content-Type=text/plain | X-Multi=a | x-multi=b | Set-Cookie=c=1 | X-Multi=c',
        'entries: Content-Type=text/plain | x-multi=1 | x-multi=2 | Set-Cookie=c=1',
        'entries: Content-Type=text/plain | x-multi=1 | x-multi=2 | Set-Cookie=c=1 | new-name=n',
        'entries: x-multi=1 | x-multi=2 | Set-Cookie=c=1 | new-name=n',
        'f entries: x-multi=1 | x-multi=2 | Set-Cookie=c=1 | new-name=n',
        'g entries: x-multi=1 | x-multi=2 | Set-Cookie=c=1 | new-name=n | only-in-clone=yes',
        'dropped',
        'entries: ',
        'entries: ',
        '',
      ].join('\n'),
    );
  });
});
