import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseIpv4, prefixMask } from '../../src/net/ipv4.js';
import { Ipv4PrefixIndex } from '../../src/net/ipv4-prefix-index.js';

const ip = (text: string): number => parseIpv4(text) as number;

function indexOf(ranges: Array<[string, number, string]>): Ipv4PrefixIndex<string> {
  const index = new Ipv4PrefixIndex<string>();
  for (const [network, prefix, value] of ranges) index.put(ip(network), prefixMask(prefix), value);
  return index;
}

const RANGES: Array<[string, number, string]> = [
  ['10.0.0.0', 8, 'a'],
  ['10.1.0.0', 16, 'b'],
  ['10.1.2.3', 32, 'c'],
  ['192.168.1.0', 24, 'd'],
  ['192.168.1.0', 24, 'e'],
  ['0.0.0.0', 0, 'any'],
];

test('match: every value whose range holds the address, most specific first, each once', () => {
  const index = indexOf(RANGES);
  const cases: Array<[string, string[]]> = [
    ['10.1.2.3', ['c', 'b', 'a', 'any']],
    ['10.1.2.4', ['b', 'a', 'any']],
    ['10.2.0.1', ['a', 'any']],
    ['192.168.1.77', ['d', 'e', 'any']],
    ['192.168.2.1', ['any']],
  ];
  for (const [address, expected] of cases) assert.deepEqual(index.match(ip(address)), expected, address);
});

test('host bits of the network are ignored; a value put under two ranges is listed once', () => {
  const index = indexOf([
    ['172.16.5.9', 16, 'x'],
    ['172.16.5.0', 24, 'x'],
  ]);
  assert.deepEqual(index.match(ip('172.16.5.1')), ['x']);
  assert.deepEqual(index.match(ip('172.16.200.1')), ['x']);
  assert.deepEqual(index.match(ip('172.17.0.1')), []);
});

test('remove: only that value under that range; emptied ranges and prefix lengths stop matching', () => {
  const index = indexOf(RANGES);
  index.remove(ip('192.168.1.0'), prefixMask(24), 'd');
  assert.deepEqual(index.match(ip('192.168.1.77')), ['e', 'any']);
  index.remove(ip('192.168.1.0'), prefixMask(24), 'e');
  index.remove(ip('0.0.0.0'), prefixMask(0), 'any');
  assert.deepEqual(index.match(ip('192.168.1.77')), []);
  // Removing what is not there changes nothing.
  index.remove(ip('10.0.0.0'), prefixMask(8), 'zzz');
  index.remove(ip('10.9.0.0'), prefixMask(16), 'b');
  assert.deepEqual(index.match(ip('10.1.2.3')), ['c', 'b', 'a']);
});
