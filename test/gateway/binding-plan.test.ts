import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpires, planBindings, type BindingLimits } from '../../src/gateway/binding-plan.js';

const L: BindingLimits = { minExpires: 60, maxExpires: 3600, defaultExpires: 1800, maxContacts: 3 };

const cases: Array<{
  name: string;
  contacts: string[];
  expires: string | null;
  live?: string[];
  want: { code: number; minExpires?: string } | { upsert?: Array<[string, number]>; remove?: string[]; all?: true };
}> = [
  {
    name: 'header expiry',
    contacts: ['<sip:a@10.0.0.1>'],
    expires: '300',
    want: { upsert: [['sip:a@10.0.0.1', 300]] },
  },
  {
    name: 'param beats header',
    contacts: ['<sip:a@10.0.0.1>;expires=120'],
    expires: '300',
    want: { upsert: [['sip:a@10.0.0.1', 120]] },
  },
  { name: 'default', contacts: ['<sip:a@h>'], expires: null, want: { upsert: [['sip:a@h', 1800]] } },
  {
    name: 'malformed expiry → default (§20.19)',
    contacts: ['<sip:a@h>'],
    expires: 'soon',
    want: { upsert: [['sip:a@h', 1800]] },
  },
  {
    name: 'too long is shortened',
    contacts: ['<sip:a@h>'],
    expires: '99999999999999',
    want: { upsert: [['sip:a@h', 3600]] },
  },
  {
    name: 'too brief → 423 + Min-Expires',
    contacts: ['<sip:a@h>;expires=5'],
    expires: null,
    want: { code: 423, minExpires: '60' },
  },
  {
    name: 'Expires 0 removes',
    contacts: ['<sip:a@h>'],
    expires: '0',
    live: ['sip:a@h'],
    want: { remove: ['sip:a@h'] },
  },
  { name: '* with Expires 0', contacts: ['*'], expires: '0', live: ['sip:a@h'], want: { all: true } },
  { name: '* without Expires 0', contacts: ['*'], expires: '60', want: { code: 400 } },
  { name: '* with another contact', contacts: ['*', '<sip:a@h>'], expires: '0', want: { code: 400 } },
  { name: 'malformed contact', contacts: ['<sip:a@h'], expires: '60', want: { code: 400 } },
  { name: 'not a SIP URI', contacts: ['<http://evil.example/>'], expires: '60', want: { code: 400 } },
  { name: 'huge URI', contacts: [`<sip:${'a'.repeat(600)}@h>`], expires: '60', want: { code: 400 } },
  {
    name: 'more contacts than the cap in one request',
    contacts: ['<sip:a@h>', '<sip:b@h>', '<sip:c@h>', '<sip:d@h>'],
    expires: '60',
    want: { code: 403 },
  },
  {
    name: 'cap counts what the trunk holds',
    contacts: ['<sip:d@h>'],
    expires: '60',
    live: ['sip:a@h', 'sip:b@h', 'sip:c@h'],
    want: { code: 403 },
  },
  {
    name: 'a refresh at the cap is fine',
    contacts: ['<sip:c@h>'],
    expires: '60',
    live: ['sip:a@h', 'sip:b@h', 'sip:c@h'],
    want: { upsert: [['sip:c@h', 60]] },
  },
  {
    name: 'swap one for another at the cap',
    contacts: ['<sip:c@h>;expires=0', '<sip:d@h>'],
    expires: '60',
    live: ['sip:a@h', 'sip:b@h', 'sip:c@h'],
    want: { upsert: [['sip:d@h', 60]], remove: ['sip:c@h'] },
  },
  {
    name: 'several contacts, the same URI twice: the last counts',
    contacts: ['<sip:a@h>;expires=100', '<sip:b@h>', '<sip:a@h>;expires=200'],
    expires: '60',
    want: {
      upsert: [
        ['sip:a@h', 200],
        ['sip:b@h', 60],
      ],
    },
  },
];

for (const c of cases) {
  test(`binding plan: ${c.name}`, () => {
    const p = planBindings(c.contacts, c.expires, c.live ?? [], L);
    if ('code' in c.want) {
      assert.equal(p.kind, 'refuse');
      if (p.kind !== 'refuse') return;
      assert.equal(p.code, c.want.code);
      if (c.want.minExpires !== undefined)
        assert.deepEqual(p.headers, [{ name: 'min-expires', value: c.want.minExpires }]);
      return;
    }
    assert.equal(p.kind, 'apply');
    if (p.kind !== 'apply') return;
    assert.equal(p.removeAll, c.want.all === true);
    assert.deepEqual(
      p.upsert.map((u) => [u.contact, u.expires]),
      c.want.upsert ?? [],
    );
    assert.deepEqual(p.remove, c.want.remove ?? []);
  });
}

test('binding plan: delta-seconds parsing', () => {
  assert.equal(parseExpires('  42 '), 42);
  assert.equal(parseExpires('-1'), null);
  assert.equal(parseExpires('1e3'), null);
  assert.equal(parseExpires('4294967296000'), 0xffffffff);
  assert.equal(parseExpires(null), null);
});
