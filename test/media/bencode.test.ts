import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bdecode, bencode, BencodeError, type BValue } from '../../src/media/bencode.js';

const ROUND_TRIPS: Array<[BValue, string]> = [
  ['ping', '4:ping'],
  ['', '0:'],
  [42, 'i42e'],
  [-7, 'i-7e'],
  [['a', 1], 'l1:ai1ee'],
  [{ command: 'offer', 'call-id': 'x' }, 'd7:call-id1:x7:command5:offere'],
  [{ flags: ['trust-address'], replace: ['origin'] }, 'd5:flagsl13:trust-addresse7:replacel6:originee'],
  ['héllo', '6:héllo'],
];

test('bencode: round trips of what the ng protocol carries', () => {
  for (const [value, text] of ROUND_TRIPS) {
    assert.equal(bencode(value).toString('utf8'), text);
    assert.deepEqual(bdecode(Buffer.from(text, 'utf8')), value);
  }
});

test('bencode: garbage is a BencodeError, never another exception or a hang', () => {
  const bad = [
    '',
    'i12',
    'iabce',
    '5:abc',
    'l1:a',
    'd1:ae',
    'di1e1:ae',
    'x',
    '4:pingtrailing',
    '99999999999:a',
    `${'l'.repeat(100)}${'e'.repeat(100)}`,
  ];
  for (const text of bad) assert.throws(() => bdecode(Buffer.from(text)), BencodeError, JSON.stringify(text));
});

test('bencode: a __proto__ key is data, never the prototype; odd integers and lengths are refused', () => {
  const d = bdecode(Buffer.from('d9:__proto__d1:ai1ee1:bi-12ee')) as Record<string, BValue>;
  assert.equal(Object.getPrototypeOf(d), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(d, '__proto__')?.value, { a: 1 });
  assert.equal(d.b, -12);
  assert.equal(({} as Record<string, unknown>).a, undefined);
  for (const text of ['i-e', 'ie', 'i1-2e', 'i1234567890123456e', '-1:a', '1a:b', '1234567890:a'])
    assert.throws(() => bdecode(Buffer.from(text)), BencodeError, text);
});
