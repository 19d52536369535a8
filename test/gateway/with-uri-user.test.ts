import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withUriUser } from '../../src/gateway/with-uri-user.js';

const ALIAS = '+918000000000';

// Only the user part changes: escaping, quoting, parameter case and spacing stay as the PBX sent them.
const CASES: Array<[string, string | null]> = [
  ['<sip:+919800000001@pbx.example>;tag=1', `<sip:${ALIAS}@pbx.example>;tag=1`],
  [
    '"Front desk <3" <sip:%2B9198;npdi@pbx.example;user=phone;X-Ref=a%2fb>;tag=9f;Note="x, y"',
    `"Front desk <3" <sip:${ALIAS}@pbx.example;user=phone;X-Ref=a%2fb>;tag=9f;Note="x, y"`,
  ],
  ['"sip:1@h" <sips:1:pw@h:5061;transport=tls>;tag=2', `"sip:1@h" <sips:${ALIAS}:pw@h:5061;transport=tls>;tag=2`],
  ['Bob < sip:bob@h >;tag=3', `Bob < sip:${ALIAS}@h >;tag=3`],
  ['sip:bob@h;tag=4', `sip:${ALIAS}@h;tag=4`],
  ['<sip:h;lr>;tag=5', `<sip:${ALIAS}@h;lr>;tag=5`],
  ['<tel:+919800000001;phone-context=%2B91>;tag=6', `<tel:${ALIAS};phone-context=%2B91>;tag=6`],
  ['"Caf\xc3\xa9" <sip:1@h>;tag=7', `"Caf\xc3\xa9" <sip:${ALIAS}@h>;tag=7`],
  ['<mailto:a@b>;tag=8', null],
  ['not a name-addr <', null],
];

test('withUriUser rewrites the user part only and keeps every other octet (RFC 3261 §16.6)', () => {
  for (const [from, want] of CASES) assert.equal(withUriUser(from, ALIAS), want, from);
});
