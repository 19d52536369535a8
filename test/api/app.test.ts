import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, STORE_KINDS, stopSharedPostgres, type ApiFixture } from './api-fixture.js';
import { expectFailure } from './expect-failure.js';

after(stopSharedPostgres);

for (const kind of STORE_KINDS) {
  describe(`API protocol on ${kind}`, () => {
    let f: ApiFixture;
    before(async () => {
      f = await apiFixture(kind);
    });
    after(() => f.close());

    test('401/1010 with a Basic challenge: no header, malformed header, wrong token, unknown key', async () => {
      const cases: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer abc' },
        { authorization: 'Basic !!!' },
        { authorization: basic(f.account.apiKey, 'wrong-token') },
        { authorization: basic('no-such-key', f.account.apiToken) },
      ];
      for (const headers of cases) {
        const r = await f.app.inject({ method: 'GET', url: `/v2/accounts/${f.account.accountSid}/trunks`, headers });
        expectFailure({ status: r.statusCode, body: r.json() }, 401, 1010);
        assert.match(String(r.headers['www-authenticate']), /^Basic realm="vsip"/);
      }
    });

    test('auth runs before the body is read: a bad body without credentials is 401, not 400', async () => {
      const r = await f.app.inject({
        method: 'POST',
        url: `/v2/accounts/${f.account.accountSid}/trunks`,
        headers: { 'content-type': 'application/json' },
        payload: '{bad',
      });
      assert.equal(r.statusCode, 401);
    });

    test('403/1011 for another account SID in the path, even an existing one', async () => {
      const other = await f.store.createAccount('other');
      const r = await f.app.inject({
        method: 'GET',
        url: `/v2/accounts/${other.accountSid}/trunks`,
        headers: { authorization: f.auth },
      });
      expectFailure({ status: r.statusCode, body: r.json() }, 403, 1011, new RegExp(other.accountSid));
      const r2 = await f.app.inject({
        method: 'GET',
        url: '/v2/accounts/ACnope/trunks',
        headers: { authorization: f.auth },
      });
      assert.equal(r2.statusCode, 403);
    });

    test('a trailing slash reaches the same route', async () => {
      assert.equal((await f.api('GET', '/trunks/')).status, 200);
    });

    test('404/1024 for an unknown route, 405/1023 with Allow for a known path', async () => {
      const nf = await f.app.inject({ method: 'GET', url: '/v2/nothing' });
      expectFailure({ status: nf.statusCode, body: nf.json() }, 404, 1024);
      const na = await f.api('PATCH', '/trunks', { trunk_name: 'x' });
      expectFailure(na, 405, 1023, /PATCH is not allowed/);
      assert.equal(na.headers.allow, 'DELETE, GET, HEAD, POST');
      const na2 = await f.api('POST', '/trunks/abc/phone-numbers/7', {});
      assert.equal(na2.status, 405);
      assert.equal(na2.headers.allow, 'DELETE, GET, HEAD, PUT');
    });

    test(
      '413/1022 for a body over 64 KiB, 415/1021 for a non-JSON content type, 400/1020 for broken ' + 'JSON',
      async () => {
        expectFailure(await f.api('POST', '/trunks', { trunk_name: 'x'.repeat(70_000) }), 413, 1022, /64 KiB/);
        expectFailure(
          await f.api('POST', '/trunks', 'trunk_name=x', { 'content-type': 'application/x-www-form-urlencoded' }),
          415,
          1021,
          /application\/json/,
        );
        expectFailure(await f.api('POST', '/trunks', 'hello', { 'content-type': 'text/plain' }), 415, 1021);
        expectFailure(await f.api('POST', '/trunks', '{"trunk_name": "x",'), 400, 1020, /not valid JSON/);
        // A leading UTF-8 byte order mark is ignored (RFC 8259 §8.1 allows it), not a 1020.
        const bom =
          `\ufeff{"trunk_name":"bom_trunk","nso_code":"ANY-ANY",` +
          `"domain_name":"${f.account.accountSid}.pstn.exotel.com"}`;
        const withBom = await f.api('POST', '/trunks', bom);
        assert.equal(withBom.status, 200, JSON.stringify(withBom.body));
      },
    );

    test('hostile bodies are 400s, never 500s, and pollute nothing', async () => {
      const domain = `${f.account.accountSid}.pstn.exotel.com`;
      const proto = `{"trunk_name":"p1","nso_code":"ANY-ANY","domain_name":"${domain}","__proto__":{"polluted":true}}`;
      expectFailure(await f.api('POST', '/trunks', proto), 400, 1000, /__proto__ is not a field/);
      const ctor =
        `{"trunk_name":"p1","nso_code":"ANY-ANY","domain_name":"${domain}",` +
        `"constructor":{"prototype":{"polluted":true}}}`;
      expectFailure(await f.api('POST', '/trunks', ctor), 400, 1000, /constructor is not a field/);
      assert.equal(({} as any).polluted, undefined);
      const deep =
        `{"trunk_name":${'['.repeat(30_000)}${']'.repeat(30_000)},"nso_code":"ANY-ANY","domain_name":` + `"${domain}"}`;
      expectFailure(await f.api('POST', '/trunks', deep), 400, 1000, /^trunk_name: /);
      expectFailure(await f.api('POST', '/trunks', 'null'), 400, 1000, /JSON object/);
      for (const url of ['/%zz', `/v2/accounts/${f.account.accountSid}/trunks/${'x'.repeat(200)}`]) {
        const r = await f.app.inject({ url, headers: { authorization: f.auth } });
        expectFailure({ status: r.statusCode, body: r.json() }, 400, 1000);
      }
      expectFailure(await f.api('POST', '/trunks', '"str"'), 400, 1000, /JSON object/);
    });

    test(
      'an unexpected error is a 500/1099 whose request_id is in the log with the error, no stack in the ' + 'body',
      async () => {
        const original = f.store.listTrunks;
        f.store.listTrunks = async () => {
          throw new Error('boom: database exploded');
        };
        try {
          const r = await f.api('GET', '/trunks');
          expectFailure(r, 500, 1099, new RegExp(r.body.request_id));
          assert.doesNotMatch(JSON.stringify(r.body), /boom|at .*\.js/);
          const logged = f.logLines.map((l) => JSON.parse(l)).filter((l) => l.request_id === r.body.request_id);
          assert.ok(
            logged.some((l) => l.level >= 50 && /boom/.test(JSON.stringify(l.err))),
            'error logged under the request_id',
          );
          assert.ok(logged.some((l) => l.msg === 'request' && l.status === 500));
        } finally {
          f.store.listTrunks = original;
        }
      },
    );

    test(
      'one log line per request with request_id, account, route, status, latency — never the ' + 'credentials',
      async () => {
        const r = await f.api('GET', '/trunks');
        const lines = f.logLines.map((l) => JSON.parse(l)).filter((l) => l.request_id === r.body.request_id);
        assert.equal(lines.length, 1);
        const [line] = lines;
        assert.equal(line.account, f.account.accountSid);
        assert.equal(line.route, '/v2/accounts/:account_sid/trunks');
        assert.equal(line.status, 200);
        assert.equal(typeof line.latency_ms, 'number');
        const all = f.logLines.join('\n');
        assert.ok(!all.includes(f.account.apiToken), 'API token never logged');
        assert.ok(!all.includes(f.auth.slice(6)), 'Authorization header never logged');
      },
    );

    test('successful authentications are cached, and a rotated token stops working at once', async () => {
      let calls = 0;
      const original = f.store.authenticate.bind(f.store);
      f.store.authenticate = async (k, t) => {
        calls += 1;
        return original(k, t);
      };
      try {
        for (let i = 0; i < 5; i++) assert.equal((await f.api('GET', '/trunks')).status, 200);
        assert.ok(calls <= 1, `store.authenticate called ${calls} times for 5 requests`);
        const rotated = await f.store.rotateAccountToken(f.account.accountSid);
        await new Promise((resolve) => setTimeout(resolve, kind === 'postgres' ? 300 : 0)); // LISTEN/NOTIFY delivery
        assert.equal((await f.api('GET', '/trunks')).status, 401);
        assert.equal(
          (await f.api('GET', '/trunks', undefined, { authorization: basic(rotated.apiKey, rotated.apiToken) })).status,
          200,
        );
        f.auth = basic(rotated.apiKey, rotated.apiToken);
      } finally {
        f.store.authenticate = original;
      }
    });

    test('GET /health, /metrics, /openapi.json and /docs', async () => {
      const h = await f.app.inject({ url: '/health' });
      assert.equal(h.statusCode, 200);
      assert.deepEqual(Object.keys(h.json()).sort(), ['media', 'role', 'sip', 'status', 'store', 'version']);
      assert.deepEqual(h.json().sip, []); // no gateway in this process
      assert.equal(h.json().store, kind);
      const m = await f.app.inject({ url: '/metrics' });
      assert.equal(m.statusCode, 200);
      assert.match(m.body, /vsip_api_requests_total\{[^}]*route="\/v2\/accounts\/:account_sid\/trunks"/);
      assert.match(m.body, /vsip_api_request_duration_seconds_bucket/);
      const o = await f.app.inject({ url: '/openapi.json' });
      const doc = o.json();
      assert.equal(doc.openapi, '3.1.0');
      const post = doc.paths['/v2/accounts/{account_sid}/trunks'].post;
      assert.deepEqual(post.requestBody.content['application/json'].schema.required, [
        'trunk_name',
        'nso_code',
        'domain_name',
      ]);
      assert.ok(doc.paths['/v2/accounts/{account_sid}/trunks/{trunk_sid}/destination-uris']);
      const d = await f.app.inject({ url: '/docs/' });
      assert.equal(d.statusCode, 200);
      assert.match(d.body, /swagger/i);
    });
  });
}

describe('rate limit', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture('sqlite', { rateLimit: 3 });
  });
  after(() => f.close());

  test('the request over the per-account limit is 429/1012 with Retry-After and X-RateLimit headers', async () => {
    const seen = [];
    for (let i = 0; i < 3; i++) {
      const r = await f.api('GET', '/trunks');
      assert.equal(r.status, 200);
      seen.push(Number(r.headers['x-ratelimit-remaining']));
      assert.equal(r.headers['x-ratelimit-limit'], '3');
    }
    assert.deepEqual(seen, [2, 1, 0]);
    const r = await f.api('GET', '/trunks');
    expectFailure(r, 429, 1012, /more than 3 requests/);
    const retry = Number(r.headers['retry-after']);
    assert.ok(retry >= 1 && retry <= 60);
    // another account has its own budget
    const other = await f.store.createAccount('other');
    const o = await f.app.inject({
      url: `/v2/accounts/${other.accountSid}/trunks`,
      headers: { authorization: basic(other.apiKey, other.apiToken) },
    });
    assert.equal(o.statusCode, 200);
  });

  test('failed authentications are budgeted per client IP: guessing tokens ends in 429', async () => {
    const url = `/v2/accounts/${f.account.accountSid}/trunks`;
    for (let i = 0; i < 3; i++) {
      const r = await f.app.inject({
        url,
        headers: { authorization: basic(f.account.apiKey, `guess-${i}`) },
        remoteAddress: '192.0.2.99',
      });
      assert.equal(r.statusCode, 401);
    }
    const blocked = await f.app.inject({
      url,
      headers: { authorization: basic(f.account.apiKey, 'guess-4') },
      remoteAddress: '192.0.2.99',
    });
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.json().response.error_data.code, 1012);
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    const elsewhere = await f.app.inject({
      url,
      headers: { authorization: basic(f.account.apiKey, 'guess-5') },
      remoteAddress: '192.0.2.100',
    });
    assert.equal(elsewhere.statusCode, 401, 'other clients are not affected');
  });
});
