import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { apiFixture, type ApiFixture } from './api-fixture.js';

/** One raw HTTP/1.1 request on a real socket (Node's parser and Fastify's router both in play). */
function raw(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(head));
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (c: string) => (data += c));
    s.on('error', reject);
    s.on('close', () => {
      const split = data.indexOf('\r\n\r\n');
      resolve({ status: Number(data.split(' ')[1]), body: data.slice(split + 4) });
    });
  });
}

describe('unknown and unusual HTTP methods get 405/400 in the envelope, never a 500', () => {
  let f: ApiFixture;
  let port: number;
  before(async () => {
    f = await apiFixture('sqlite');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    port = (f.app.server.address() as net.AddressInfo).port;
  });
  after(() => f.close());

  const methods = ['QUERY', 'PROPFIND', 'MKCOL', 'TRACE', 'PATCH', 'OPTIONS', 'M-SEARCH', 'BREW', 'FOO', 'get'];
  test('on every kind of path, with and without a body', async () => {
    const trunk = await f.createTrunk('methods');
    const base = `/v2/accounts/${f.account.accountSid}`;
    const paths = [`${base}/trunks`, `${base}/trunks/${trunk}/phone-numbers`, '/health', '/no/such/route'];
    for (const method of methods)
      for (const path of paths)
        for (const withBody of [false, true]) {
          const body = withBody ? '{"a":1}' : '';
          const head =
            `${method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: ${f.auth}\r\nConnection: close\r\n` +
            (withBody ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : '') +
            `\r\n${body}`;
          const res = await raw(port, head);
          const what = `${method} ${path}${withBody ? ' with a body' : ''}`;
          assert.ok([400, 404, 405].includes(res.status), `${what}: ${res.status} ${res.body}`);
          const env = JSON.parse(res.body) as { http_code: number; response: { status: string; data: unknown } };
          assert.equal(env.http_code, res.status, what);
          assert.equal(env.response.status, 'failure', what);
          assert.equal(env.response.data, null, what);
        }
    const errors = f.logLines.filter((l) => /"level":(50|60)/.test(l));
    assert.deepEqual(errors, [], 'nothing logged as an unexpected error');
  });

  test('a known route answers 405 for a method it lacks', async () => {
    const res = await raw(port, `PROPFIND /v2/accounts/${f.account.accountSid}/trunks HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(res.status, 405);
  });

  test('oversized headers still get 431, not a 400 or 500', async () => {
    const res = await raw(port, `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.equal(res.status, 431);
  });
});
