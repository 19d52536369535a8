import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

const files = sources(SRC).map((p) => ({ rel: relative(SRC, p).split('\\').join('/'), text: readFileSync(p, 'utf8') }));

test('code outside src/sip imports the SIP library only through src/sip/index.ts', () => {
  const offenders: string[] = [];
  for (const { rel, text } of files) {
    if (rel.startsWith('sip/')) continue;
    for (const m of text.matchAll(/from '((?:\.\.\/)+sip\/[^']+)'/g)) {
      if (!m[1]!.endsWith('/sip/index.js')) offenders.push(`${rel}: ${m[1]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

// The helpers that had drifting copies: one definition each, in src/sip or src/net.
test('SIP and IPv4 helpers are defined once', () => {
  const HELPERS: Record<string, string> = {
    hasToTag: 'sip/message/has-to-tag.ts',
    nameAddrTag: 'sip/message/name-addr-tag.ts',
    getHeader: 'sip/message/get-header.ts',
    targetOfUri: 'sip/transport/target-of-uri.ts',
    targetOfUriString: 'sip/transport/target-of-uri.ts',
    formatHost: 'sip/message/format-host.ts',
    parseIpv4: 'net/ipv4.ts',
    firstHeader: '',
    branch: '',
  };
  for (const [name, home] of Object.entries(HELPERS)) {
    const where = files.filter((f) => new RegExp(`function ${name}\\(`).test(f.text)).map((f) => f.rel);
    assert.deepEqual(where, home === '' ? [] : [home], name);
  }
});
