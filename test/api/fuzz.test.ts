import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { apiFixture, type ApiFixture } from './api-fixture.js';

/**
 * Property: whatever JSON (or near-JSON) arrives on a write route, the answer is the envelope
 * with http_code equal to the real status, and never a 500.
 */
let f: ApiFixture;
let trunk: string;
before(async () => {
  f = await apiFixture('sqlite');
  trunk = await f.createTrunk('fuzz');
});
after(() => f.close());

const routes = () =>
  [
    ['POST', '/trunks'],
    ['PUT', `/trunks/${trunk}`],
    ['POST', `/trunks/${trunk}/phone-numbers`],
    ['PUT', `/trunks/${trunk}/phone-numbers/1`],
    ['POST', `/trunks/${trunk}/whitelisted-ips`],
    ['POST', `/trunks/${trunk}/destination-uris`],
    ['POST', `/trunks/${trunk}/settings`],
  ] as const;

const fieldNames = fc.constantFrom(
  'trunk_name',
  'nso_code',
  'domain_name',
  'phone_number',
  'mode',
  'ip',
  'mask',
  'destinations',
  'destination',
  'priority',
  'weight',
  'settings',
  'name',
  'value',
  'status',
  '__proto__',
  'constructor',
);
const plausible = fc.dictionary(
  fieldNames,
  fc.oneof(fc.jsonValue(), fc.array(fc.dictionary(fieldNames, fc.jsonValue()), { maxLength: 3 })),
  { maxKeys: 5 },
);
const bodies = fc.oneof(
  plausible.map((v) => JSON.stringify(v)),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 40 }),
);

test('write routes answer any body with the envelope, never a 500', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: routes().length - 1 }), bodies, async (i, body) => {
      const [method, path] = routes()[i] ?? ['POST', '/trunks'];
      const r = await f.api(method, path, body);
      assert.ok(
        [200, 207, 400, 404, 409].includes(r.status),
        `${method} ${path} ${body} → ${r.status} ${JSON.stringify(r.body)}`,
      );
      assert.equal(r.body.http_code, r.status);
      assert.equal(r.body.response.code, r.status);
      if (r.status >= 400) assert.equal(typeof r.body.response.error_data.description, 'string');
    }),
    { numRuns: 400 },
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
