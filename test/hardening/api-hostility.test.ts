/**
 * API hostility, the parts test/api does not already cover (413/415, broken JSON, a
 * top-level `__proto__`, deep nesting in trunk_name and the random-body fuzz live there):
 * prototype-pollution keys nested in bulk items and in the query string, unicode tricks in names,
 * SQL metacharacters in every string field, path and query parameter, wrong types in every field,
 * oversized bulk arrays, query-string abuse, and the 429 for repeated auth failures being logged
 * and counted. Every answer is a clear 4xx (or a 2xx read that returns nothing it should not),
 * never a 500, and nothing is stored.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, type ApiFixture, type ApiResult } from '../api/api-fixture.js';
import type { Store } from '../../src/store/types.js';

let f: ApiFixture;
let trunk: string;
let numberId: string;
let ipId: string;
let destId: string;

/** Everything the account has, through the store: compared before and after each barrage. */
async function dump(store: Store, accountSid: string): Promise<string> {
  const page = { offset: 0, limit: 1000 };
  const out: unknown[] = [];
  for (const t of (await store.listTrunks(accountSid, page)).items) {
    out.push(
      t,
      (await store.listPhoneNumbers(accountSid, t.sid, page)).items,
      (await store.listWhitelistedIps(accountSid, t.sid, page)).items,
    );
    out.push(
      (await store.listDestinationUris(accountSid, t.sid, page)).items,
      await store.listSettings(accountSid, t.sid),
    );
  }
  return JSON.stringify(out);
}

function clear4xx(r: ApiResult, what: string): void {
  assert.ok(r.status >= 400 && r.status < 500, `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
  assert.equal(r.body?.response?.status, 'failure', `${what}: no failure envelope`);
  assert.equal(typeof r.body.response.error_data.description, 'string');
}

const domain = () => `${f.account.accountSid}.pstn.exotel.com`;

/** Valid bodies of every write route, each field of which the tests below corrupt one at a time. */
function writeRoutes(): Array<{ method: string; path: string; body: Record<string, unknown> }> {
  return [
    {
      method: 'POST',
      path: '/trunks',
      body: {
        trunk_name: 'fresh',
        nso_code: 'ANY-ANY',
        domain_name: domain(),
        auth_type: 'credentials',
        registration_enabled: true,
        edge_preference: 'default',
        secure_trunking: false,
        max_calls_per_second: 5,
        max_concurrent_calls: 10,
      },
    },
    {
      method: 'PUT',
      path: `/trunks/${trunk}`,
      body: { trunk_name: 'renamed', status: 'inactive', edge_preference: 'default', max_calls_per_second: 5 },
    },
    { method: 'POST', path: `/trunks/${trunk}/phone-numbers`, body: { phone_number: '+14155550111', mode: 'pstn' } },
    {
      method: 'PUT',
      path: `/trunks/${trunk}/phone-numbers/${numberId}`,
      body: { phone_number: '+14155550112', mode: 'flow' },
    },
    { method: 'POST', path: `/trunks/${trunk}/whitelisted-ips`, body: { ip: '198.51.100.7', mask: 32 } },
    { method: 'PUT', path: `/trunks/${trunk}/whitelisted-ips/${ipId}`, body: { ip: '198.51.100.8', mask: 32 } },
    {
      method: 'POST',
      path: `/trunks/${trunk}/destination-uris`,
      body: { destinations: [{ destination: '203.0.113.9:5061;transport=tls', priority: 1, weight: 1 }] },
    },
    {
      method: 'PUT',
      path: `/trunks/${trunk}/destination-uris/${destId}`,
      body: { destination: '203.0.113.10:5061;transport=tls', priority: 1, weight: 1 },
    },
    {
      method: 'POST',
      path: `/trunks/${trunk}/settings`,
      body: { settings: [{ name: 'trunk_external_alias', value: '+14155550100' }] },
    },
  ];
}

before(async () => {
  f = await apiFixture('sqlite');
  trunk = await f.createTrunk('victim');
  numberId = (await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+919876543210' })).body.response
    .data.id;
  ipId = (await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '192.0.2.10', mask: 32 })).body.response.data
    .id;
  destId = (
    await f.api('POST', `/trunks/${trunk}/destination-uris`, {
      destinations: [{ destination: '203.0.113.1:5061;transport=tls' }],
    })
  ).body.response.data[0].data.id;
  assert.equal(
    (
      await f.api('POST', `/trunks/${trunk}/settings`, {
        settings: [{ name: 'trunk_external_alias', value: '+919876543210' }],
      })
    ).status,
    200,
  );
});
after(() => f.close());

describe('API hostility', () => {
  test(
    'prototype-pollution keys nested in bulk items, in PUT bodies and in the query string: 400, nothing polluted ' +
      'or stored',
    async () => {
      const before = await dump(f.store, f.account.accountSid);
      const bodies: Array<[string, string, string]> = [
        [
          'POST',
          `/trunks/${trunk}/destination-uris`,
          '{"destinations":[{"destination":"203.0.113.9:5061;transport=tls","__proto__":{"polluted":true}}]}',
        ],
        [
          'POST',
          `/trunks/${trunk}/destination-uris`,
          '{"destinations":[{"destination":"203.0.113.9:5061;transport=tls",' +
            '"constructor":{"prototype":{"polluted":true}}}]}',
        ],
        [
          'POST',
          `/trunks/${trunk}/settings`,
          '{"settings":[{"name":"trunk_external_alias","value":"+14155550100","__proto__":{"polluted":true}}]}',
        ],
        ['POST', `/trunks/${trunk}/settings`, '{"settings":[{"name":"__proto__","value":"x"}]}'],
        ['POST', `/trunks/${trunk}/settings`, '{"settings":[{"name":"constructor","value":"x"}]}'],
        ['PUT', `/trunks/${trunk}`, '{"__proto__":{"trunk_name":"sneaky"}}'],
        ['PUT', `/trunks/${trunk}/phone-numbers/${numberId}`, '{"constructor":{"prototype":{"mode":"flow"}}}'],
        [
          'POST',
          `/trunks/${trunk}/destination-uris`,
          `{"destinations":[{"destination":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`,
        ],
        ['POST', `/trunks/${trunk}/settings`, `{"settings":${'['.repeat(20_000)}${']'.repeat(20_000)}}`],
      ];
      for (const [method, path, body] of bodies) {
        const r = await f.api(method, path, body);
        assert.equal(r.status, 400, `${method} ${path} ${body.slice(0, 80)} → ${r.status}`);
        clear4xx(r, body.slice(0, 80));
      }
      for (const qs of [
        '__proto__[polluted]=1',
        'constructor[prototype][polluted]=1',
        '__proto__=x',
        'toString=x',
        'hasOwnProperty=x',
      ]) {
        clear4xx(await f.api('GET', `/trunks?${qs}`), qs);
        clear4xx(await f.api('GET', `/trunks/${trunk}/phone-numbers?${qs}`), qs);
      }
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.hasOwn(Object.prototype, 'polluted'), false);
      assert.equal(await dump(f.store, f.account.accountSid), before);
    },
  );

  test(
    'unicode tricks (RTL override, zero-width, full-width digits, homoglyphs, controls) in names are 400, nothing ' +
      'stored',
    async () => {
      const before = await dump(f.store, f.account.accountSid);
      const tricks = [
        'evil\u202Etxt', // RIGHT-TO-LEFT OVERRIDE
        'ab\u200Bc', // ZERO WIDTH SPACE
        'a\u200Db', // ZERO WIDTH JOINER
        '\uFEFFtrunk', // BOM
        '\uFF11\uFF12\uFF13', // full-width 123
        '\uFF21dmin', // full-width A
        '\u0440\u0430ypal', // Cyrillic р а
        'trunk\u0000', // NUL
        'trunk\u001b[2J', // ANSI escape
        'caf\u00e9', // Latin-1 letter
        '\u212Aelvin', // KELVIN SIGN (lowercases to k)
        'a\u0301', // combining accent
      ];
      const bad: string[] = [];
      for (const t of tricks) {
        const label = JSON.stringify(t);
        const checks: Array<[string, string, unknown, string]> = [
          ['POST', '/trunks', { trunk_name: t, nso_code: 'ANY-ANY', domain_name: domain() }, 'trunk_name'],
          ['PUT', `/trunks/${trunk}`, { trunk_name: t }, 'trunk_name'],
          ['PUT', `/trunks/${trunk}`, { edge_preference: t }, 'edge_preference'],
          ['PUT', `/trunks/${trunk}`, { nso_code: `${t}-ANY` }, 'nso_code'],
          [
            'POST',
            '/trunks',
            { trunk_name: 'uni', nso_code: 'ANY-ANY', domain_name: `${f.account.accountSid}.pstn.exote${t}.com` },
            'domain_name',
          ],
          ['POST', `/trunks/${trunk}/phone-numbers`, { phone_number: `+9198765${t}43211` }, 'phone_number'],
          ['POST', `/trunks/${trunk}/whitelisted-ips`, { ip: `198.51.${t}.1`, mask: 32 }, 'ip'],
          [
            'POST',
            `/trunks/${trunk}/destination-uris`,
            { destinations: [{ destination: `pbx${t}.example.com:5061;transport=tls` }] },
            'destination',
          ],
          [
            'POST',
            `/trunks/${trunk}/settings`,
            { settings: [{ name: 'trunk_external_alias', value: `+1415${t}5550100` }] },
            'value',
          ],
        ];
        for (const [method, path, body, field] of checks) {
          const r = await f.api(method, path, body);
          if (r.status !== 400)
            bad.push(
              `${method} ${path} ${field}=${label}: ${r.status} ` +
                `${JSON.stringify(r.body?.response?.data ?? r.body).slice(0, 120)}`,
            );
          else if (!new RegExp(field).test(r.body.response.error_data.description))
            bad.push(`${field}=${label}: the 400 does not name ${field}: ${r.body.response.error_data.description}`);
        }
      }
      assert.deepEqual(bad, []);
      assert.equal(await dump(f.store, f.account.accountSid), before);
    },
  );

  test(
    'SQL metacharacters in every string field, path and query parameter: 4xx or an empty read, tables ' + 'intact',
    async () => {
      const before = await dump(f.store, f.account.accountSid);
      const payloads = [
        "' OR '1'='1",
        "'; DROP TABLE trunks; --",
        '" OR ""="',
        "\\'; DELETE FROM accounts; --",
        '1; SELECT * FROM accounts',
        "%' --",
        "x' UNION SELECT api_token_hash FROM accounts --",
        '*/ OR 1=1 /*',
      ];
      const problems: string[] = [];
      const check = (what: string, r: ApiResult, readOk: boolean) => {
        if (r.status >= 500) problems.push(`${what}: ${r.status}`);
        else if (r.status < 400) {
          const data = r.body?.response?.data;
          if (!readOk || !(Array.isArray(data) && data.length === 0))
            problems.push(`${what}: ${r.status} ${JSON.stringify(data).slice(0, 120)}`);
        }
      };
      for (const sql of payloads) {
        const enc = encodeURIComponent(sql);
        for (const route of writeRoutes()) {
          const strings = Object.entries(route.body).filter(([, v]) => typeof v === 'string');
          for (const [field] of strings)
            check(
              `${route.method} ${route.path} ${field}`,
              await f.api(route.method, route.path, { ...route.body, [field]: sql }),
              false,
            );
        }
        check(
          'destination',
          await f.api('POST', `/trunks/${trunk}/destination-uris`, { destinations: [{ destination: sql }] }),
          false,
        );
        check(
          'setting name',
          await f.api('POST', `/trunks/${trunk}/settings`, { settings: [{ name: sql, value: '+14155550100' }] }),
          false,
        );
        check(
          'setting value',
          await f.api('POST', `/trunks/${trunk}/settings`, {
            settings: [{ name: 'trunk_external_alias', value: sql }],
          }),
          false,
        );
        for (const path of [
          `/trunks/${enc}`,
          `/trunks/${enc}/phone-numbers`,
          `/trunks/${trunk}/phone-numbers/${enc}`,
          `/trunks/${trunk}/whitelisted-ips/${enc}`,
          `/trunks/${trunk}/destination-uris/${enc}`,
          `/trunks/${enc}/credentials`,
          `/trunks/${enc}/calls`,
        ]) {
          check(`GET ${path}`, await f.api('GET', path), false);
          check(`DELETE ${path}`, await f.api('DELETE', path), false);
        }
        for (const qs of [`trunk_sid=${enc}`, `offset=${enc}`, `page_size=${enc}`])
          check(`GET /trunks?${qs}`, await f.api('GET', `/trunks?${qs}`), false);
        for (const [path, qs] of [
          ['/trunks', `trunk_sid=${enc}`],
          [`/trunks/${trunk}/phone-numbers`, `id=${enc}`],
          [`/trunks/${trunk}/whitelisted-ips`, `id=${enc}`],
          [`/trunks/${trunk}/destination-uris`, `id=${enc}`],
          [`/trunks/${trunk}/settings`, `name=${enc}`],
        ] as const) {
          check(`DELETE ${path}?${qs}`, await f.api('DELETE', `${path}?${qs}`), false);
        }
        // Free-text filters may legitimately answer 200: with nothing in it.
        check('calls call_id', await f.api('GET', `/trunks/${trunk}/calls?call_id=${enc}`), true);
        check('calls result', await f.api('GET', `/trunks/${trunk}/calls?result=${enc}`), true);
      }
      assert.deepEqual(problems, []);
      assert.equal(await dump(f.store, f.account.accountSid), before);
      // The tables answer as before.
      assert.equal((await f.api('GET', '/trunks')).body.response.metadata.total, 1);
    },
  );

  test('wrong types in every field of every write route: 400 naming the field, nothing stored', async () => {
    const before = await dump(f.store, f.account.accountSid);
    const nullable = new Set(['edge_preference', 'max_calls_per_second', 'max_concurrent_calls']);
    const wrongFor = (field: string, valid: unknown): unknown[] => {
      const common = [[], {}, [valid], { value: valid }];
      if (typeof valid === 'string')
        return [...common, 1, 0, -1, 1.5, true, false, ...(nullable.has(field) ? [] : [null])];
      // A mask may be a numeric string ("24"), as documented; every other number must be a JSON number.
      if (typeof valid === 'number')
        return [
          ...common,
          ...(field === 'mask' ? ['abc'] : [String(valid)]),
          1.5,
          true,
          1e308,
          -1,
          ...(nullable.has(field) ? [] : [null]),
        ];
      if (typeof valid === 'boolean') return [...common, 'true', 1, 0, null];
      return [1, 'x', true, null, {}];
    };
    const bad: string[] = [];
    for (const route of writeRoutes()) {
      for (const [field, valid] of Object.entries(route.body)) {
        for (const wrong of wrongFor(field, valid)) {
          const r = await f.api(route.method, route.path, { ...route.body, [field]: wrong });
          if (r.status !== 400)
            bad.push(`${route.method} ${route.path} ${field}=${JSON.stringify(wrong)}: ${r.status}`);
          else if (!r.body.response.error_data.description.includes(field))
            bad.push(`${field}=${JSON.stringify(wrong)}: not named in "${r.body.response.error_data.description}"`);
        }
      }
      // Inside bulk items too.
      const items = (route.body.destinations ?? route.body.settings) as Array<Record<string, unknown>> | undefined;
      if (items !== undefined) {
        const key = route.body.destinations !== undefined ? 'destinations' : 'settings';
        for (const [field, valid] of Object.entries(items[0] ?? {})) {
          for (const wrong of wrongFor(field, valid)) {
            const r = await f.api(route.method, route.path, { [key]: [{ ...items[0], [field]: wrong }] });
            if (r.status !== 400)
              bad.push(`${route.method} ${route.path} ${key}[0].${field}=${JSON.stringify(wrong)}: ${r.status}`);
            else if (!r.body.response.error_data.description.includes(`${key}[0].${field}`))
              bad.push(
                `${key}[0].${field}=${JSON.stringify(wrong)}: not named in "${r.body.response.error_data.description}"`,
              );
          }
        }
      }
    }
    assert.deepEqual(bad, []);
    assert.equal(await dump(f.store, f.account.accountSid), before);
  });

  test(
    'bulk POSTs are capped at 20 items: more is a 400 naming the maximum (or 413 past 64 KiB), nothing ' + 'stored',
    async () => {
      const before = await dump(f.store, f.account.accountSid);
      const dest = (i: number) => ({ destination: `203.0.${i >> 8}.${i & 255}:5061;transport=tls` });
      for (const n of [21, 100, 1000]) {
        const r = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
          destinations: Array.from({ length: n }, (_, i) => dest(i)),
        });
        clear4xx(r, `${n} destinations`);
        assert.equal(r.status, 400);
        assert.match(r.body.response.error_data.description, /destinations.*1-20/);
        const s = await f.api('POST', `/trunks/${trunk}/settings`, {
          settings: Array.from({ length: n }, () => ({ name: 'trunk_external_alias', value: '+14155550100' })),
        });
        assert.equal(s.status, 400);
        assert.match(s.body.response.error_data.description, /settings.*1-20/);
      }
      // 5,000 empty items: rejected on the count, not item by item.
      clear4xx(
        await f.api(
          'POST',
          `/trunks/${trunk}/destination-uris`,
          `{"destinations":[${Array(5000).fill('{}').join(',')}]}`,
        ),
        '5000 empty items',
      );
      const huge = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
        destinations: Array.from({ length: 3000 }, (_, i) => dest(i)),
      });
      assert.equal(huge.status, 413);
      // Exactly the maximum is accepted (the cap is not off by one).
      const twenty = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
        destinations: Array.from({ length: 20 }, (_, i) => dest(i + 5000)),
      });
      assert.equal(twenty.status, 200, JSON.stringify(twenty.body).slice(0, 300));
      const list = await f.api('GET', `/trunks/${trunk}/destination-uris?page_size=100`);
      assert.equal(list.body.response.metadata.total, 21);
      for (const d of list.body.response.data.slice(1))
        assert.equal((await f.api('DELETE', `/trunks/${trunk}/destination-uris/${d.id}`)).status, 200);
      assert.equal(await dump(f.store, f.account.accountSid), before);
    },
  );

  test(
    'query-string abuse (repeated, array and object params, huge or negative offsets, unknown params): clear 4xx, ' +
      'never 500',
    async () => {
      const lists = [
        '/trunks',
        `/trunks/${trunk}/phone-numbers`,
        `/trunks/${trunk}/whitelisted-ips`,
        `/trunks/${trunk}/destination-uris`,
        `/trunks/${trunk}/settings`,
        `/trunks/${trunk}/calls`,
      ];
      const abusive = [
        'offset=1&offset=2',
        'page_size=10&page_size=20',
        'offset[]=1',
        'offset[0]=1',
        'offset[a]=1',
        'page_size=101',
        'page_size=0',
        'page_size=-1',
        'offset=-1',
        'offset=1e3',
        'offset=0x10',
        'offset=99999999999',
        'offset=1.5',
        'offset=%00',
        'offset=',
        'unknown=1',
        `x=${'a'.repeat(8000)}`,
        Array.from({ length: 500 }, (_, i) => `p${i}=1`).join('&'),
      ];
      const bad: string[] = [];
      for (const path of lists) {
        for (const qs of abusive) {
          const r = await f.api('GET', `${path}?${qs}`);
          if (r.status !== 400 || r.body?.response?.error_data?.code !== 1000)
            bad.push(`GET ${path}?${qs.slice(0, 40)}: ${r.status}`);
        }
        // The largest offset the API accepts is an empty page, not an error or a slow scan.
        const far = await f.api('GET', `${path}?offset=999999999`);
        if (far.status !== 200 || far.body.response.data.length !== 0)
          bad.push(`GET ${path}?offset=999999999: ${far.status}`);
      }
      for (const qs of ['trunk_sid=a&trunk_sid=b', 'trunk_sid[]=x', 'trunk_sid=']) {
        const r = await f.api('GET', `/trunks?${qs}`);
        if (r.status !== 400) bad.push(`GET /trunks?${qs}: ${r.status}`);
      }
      for (const qs of [`id=${numberId}&id=${numberId}`, 'id[]=1', 'id=']) {
        const r = await f.api('DELETE', `/trunks/${trunk}/phone-numbers?${qs}`);
        if (r.status !== 400) bad.push(`DELETE phone-numbers?${qs}: ${r.status}`);
      }
      assert.deepEqual(bad, []);
      assert.equal(
        (await f.api('GET', `/trunks/${trunk}/phone-numbers`)).body.response.metadata.total,
        1,
        'nothing was deleted',
      );
    },
  );
});

describe('repeated API auth failures', () => {
  let g: ApiFixture;
  before(async () => {
    g = await apiFixture('sqlite', { rateLimit: 4 });
  });
  after(() => g.close());

  test('end in 429 with Retry-After, are logged (without the guessed tokens) and counted in /metrics', async () => {
    const url = `/v2/accounts/${g.account.accountSid}/trunks`;
    const guesses = Array.from({ length: 6 }, (_, i) => `guess-${i}-${'z'.repeat(20)}`);
    const statuses: number[] = [];
    for (const guess of guesses) {
      const r = await g.app.inject({
        url,
        headers: { authorization: basic(g.account.apiKey, guess) },
        remoteAddress: '192.0.2.77',
      });
      statuses.push(r.statusCode);
    }
    assert.deepEqual(statuses, [401, 401, 401, 401, 429, 429]);
    // Even the right token is refused from that address until the window passes.
    const right = await g.app.inject({ url, headers: { authorization: g.auth }, remoteAddress: '192.0.2.77' });
    assert.equal(right.statusCode, 429);
    assert.ok(Number(right.headers['retry-after']) > 0);

    const lines = g.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(lines.filter((l) => l.status === 401 && l.route === '/v2/accounts/:account_sid/trunks').length, 4);
    assert.equal(lines.filter((l) => l.status === 429).length, 3);
    const all = g.logLines.join('\n');
    for (const guess of guesses) assert.ok(!all.includes(guess), 'a guessed token was logged');
    assert.ok(!all.includes(g.account.apiToken));

    const metrics = await g.app.inject({ url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    const count = (status: number) => {
      const m = new RegExp(`^vsip_api_requests_total\\{[^}]*status="${status}"[^}]*\\} (\\d+)`, 'm').exec(metrics.body);
      return m === null ? 0 : Number(m[1]);
    };
    assert.ok(count(401) >= 4, `401s counted: ${count(401)}`);
    assert.ok(count(429) >= 3, `429s counted: ${count(429)}`);
  });
});
