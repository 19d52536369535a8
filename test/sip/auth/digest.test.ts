import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  answerChallenge,
  buildChallenge,
  computeDigestResponse,
  NonceCountCache,
  parseAuthorization,
  parseDigestParams,
  verifyDigest,
} from '../../../src/sip/auth/index.js';

const SECRET = 'cluster-secret';
const REALM = 'pstn.exotel.com';
const T0 = Date.UTC(2026, 0, 1);

test('RFC 2617 §3.5 example vector (MD5, qop=auth)', () => {
  const response = computeDigestResponse({
    algorithm: 'MD5',
    username: 'Mufasa',
    realm: 'testrealm@host.com',
    password: 'Circle Of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
    qop: 'auth',
    nc: '00000001',
    cnonce: '0a4f113b',
  });
  assert.equal(response, '6629fae49393a05397450978507c4ef1');
});

test('RFC 7616 §3.9.1 example vectors (SHA-256 and MD5)', () => {
  const base = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    qop: 'auth' as const,
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };
  assert.equal(
    computeDigestResponse({ ...base, algorithm: 'SHA-256' }),
    '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
  );
  assert.equal(computeDigestResponse({ ...base, algorithm: 'MD5' }), '8ca523f5e9506fed4657c9700eebdbec');
});

test('parseDigestParams handles quoted commas, escapes and rejects garbage', () => {
  const p = parseDigestParams('Digest username="a\\"b", realm="x,y", nc=00000001, qop=auth');
  assert.ok(p);
  assert.equal(p.params.get('username'), 'a"b');
  assert.equal(p.params.get('realm'), 'x,y');
  assert.equal(p.params.get('nc'), '00000001');
  assert.equal(parseDigestParams('Digest realm="unterminated'), null);
  assert.equal(parseDigestParams('Digest'), null);
  assert.equal(parseDigestParams('Digest a=1 b=2'), null);
  assert.equal(parseDigestParams('Digest a=1, a=2'), null);
});

// What a peer computes over the UTF-8 bytes it sends (RFC 7616 §3.4.4), independently of our code.
const md5Utf8 = (text: string): string => createHash('md5').update(Buffer.from(text, 'utf8')).digest('hex');
/** A header value as our codec holds it: one char per octet of the UTF-8 the peer sent. */
const octets = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

test('the digest is over the octets of a non-ASCII username, realm and URI (RFC 7616 §3.4.4)', () => {
  const [user, realm, uri, nonce, cnonce] = ['jürgen', 'Zürich', 'sip:jürgen@gw.example', 'n0nce', 'c0nce'];
  const ha1 = md5Utf8(`${user}:${realm}:pässwort`);
  const ha2 = md5Utf8(`INVITE:${uri}`);
  const expected = md5Utf8(`${ha1}:${nonce}:00000001:${cnonce}:auth:${ha2}`);
  const response = computeDigestResponse({
    algorithm: 'MD5',
    username: octets(user),
    realm: octets(realm),
    password: 'pässwort',
    method: 'INVITE',
    uri: octets(uri),
    nonce,
    qop: 'auth',
    nc: '00000001',
    cnonce,
  });
  assert.equal(response, expected);
});

test('a peer answering with a UTF-8 username and realm is verified; answerChallenge sends the same octets', () => {
  const challenge = buildChallenge({ realm: 'Zürich', secret: SECRET, now: T0 });
  assert.ok(challenge.includes(`realm="${octets('Zürich')}"`), 'the realm goes out as its UTF-8 octets');
  const nonce = parseDigestParams(challenge)?.params.get('nonce') ?? '';
  const uri = 'sip:gw.example';
  const ha1 = md5Utf8('jürgen:Zürich:pässwort');
  const response = md5Utf8(`${ha1}:${nonce}:00000001:abc:auth:${md5Utf8(`REGISTER:${uri}`)}`);
  const sent =
    `Digest username="jürgen", realm="Zürich", nonce="${nonce}", uri="${uri}", response="${response}", ` +
    'algorithm=MD5, qop=auth, nc=00000001, cnonce="abc"';
  const base = { method: 'REGISTER', realm: 'Zürich', secret: SECRET, now: T0 + 1000, nonceTtlSeconds: 60 };
  assert.deepEqual(verifyDigest({ ...base, authorization: octets(sent), password: 'pässwort' }), {
    ok: true,
    username: octets('jürgen'),
  });
  const ours = answerChallenge({
    challenge,
    method: 'REGISTER',
    uri,
    username: 'jürgen',
    password: 'pässwort',
    cnonce: 'abc',
  });
  assert.equal(ours, octets(sent));
});

function roundTrip(algorithm: 'MD5' | 'SHA-256', qop: boolean) {
  const challenge = buildChallenge({ realm: REALM, algorithm, secret: SECRET, now: T0, qop, opaque: 'op' });
  assert.match(challenge, new RegExp(`algorithm=${algorithm}`));
  const authorization = answerChallenge({
    challenge,
    method: 'REGISTER',
    uri: 'sip:127.0.0.1:5060',
    username: 'trunk1',
    password: 's3cret',
  });
  return { challenge, authorization };
}

for (const algorithm of ['MD5', 'SHA-256'] as const) {
  for (const qop of [true, false]) {
    test(`challenge → answer → verify round trip (${algorithm}, qop=${qop ? 'auth' : 'none'})`, () => {
      const { authorization } = roundTrip(algorithm, qop);
      const creds = parseAuthorization(authorization);
      assert.ok(creds);
      assert.equal(creds.opaque, 'op');
      assert.equal(creds.qop, qop ? 'auth' : undefined);
      const ok = verifyDigest({
        authorization,
        method: 'REGISTER',
        password: 's3cret',
        realm: REALM,
        secret: SECRET,
        now: T0 + 1000,
        nonceTtlSeconds: 60,
        nonceCounts: new NonceCountCache(),
      });
      assert.deepEqual(ok, { ok: true, username: 'trunk1' });
      const bad = verifyDigest({
        authorization,
        method: 'REGISTER',
        password: 'wrong',
        realm: REALM,
        secret: SECRET,
        now: T0 + 1000,
        nonceTtlSeconds: 60,
      });
      assert.deepEqual(bad, { ok: false, reason: 'bad_password', username: 'trunk1' });
    });
  }
}

test('expired nonce with a correct response is stale; the next challenge carries stale=true', () => {
  const { authorization } = roundTrip('MD5', true);
  const v = verifyDigest({
    authorization,
    method: 'REGISTER',
    password: 's3cret',
    realm: REALM,
    secret: SECRET,
    now: T0 + 61_000,
    nonceTtlSeconds: 60,
  });
  assert.deepEqual(v, { ok: false, reason: 'stale', username: 'trunk1' });
  const wrong = verifyDigest({
    authorization,
    method: 'REGISTER',
    password: 'nope',
    realm: REALM,
    secret: SECRET,
    now: T0 + 61_000,
    nonceTtlSeconds: 60,
  });
  assert.equal(wrong.ok === false && wrong.reason, 'bad_password');
  assert.equal(wrong.ok === false && wrong.nonceStale, true, 'a wrong answer to an expired nonce says so');
  assert.match(buildChallenge({ realm: REALM, secret: SECRET, now: T0, stale: true }), /stale=true/);
});

test('nonce from another secret or realm, or tampered, is bad_nonce', () => {
  const { authorization } = roundTrip('MD5', true);
  const base = { method: 'REGISTER', password: 's3cret', realm: REALM, now: T0, nonceTtlSeconds: 60 };
  assert.equal((verifyDigest({ ...base, authorization, secret: 'other' }) as { reason: string }).reason, 'bad_nonce');
  const creds = parseAuthorization(authorization)!;
  const tampered = { ...creds, nonce: creds.nonce.slice(0, -2) + (creds.nonce.endsWith('AA') ? 'BB' : 'AA') };
  assert.equal(
    (verifyDigest({ ...base, authorization: tampered, secret: SECRET }) as { reason: string }).reason,
    'bad_nonce',
  );
  assert.equal(
    (verifyDigest({ ...base, authorization: { ...creds, nonce: 'short' }, secret: SECRET }) as { reason: string })
      .reason,
    'bad_nonce',
  );
});

test('a nonce bound to an address checks only for that address', () => {
  const challenge = buildChallenge({ realm: REALM, secret: SECRET, now: T0, bound: '192.0.2.1' });
  const authorization = answerChallenge({ challenge, method: 'REGISTER', uri: 'sip:x', username: 'u', password: 'p' });
  const base = {
    authorization,
    method: 'REGISTER',
    password: 'p',
    realm: REALM,
    secret: SECRET,
    now: T0,
    nonceTtlSeconds: 60,
  };
  assert.equal(verifyDigest({ ...base, bound: '192.0.2.1' }).ok, true);
  assert.equal((verifyDigest({ ...base, bound: '192.0.2.2' }) as { reason: string }).reason, 'bad_nonce');
  assert.equal(
    (verifyDigest(base) as { reason: string }).reason,
    'bad_nonce',
    'an unbound check refuses a bound nonce',
  );
});

test('nonce-count replay is refused, a higher nc is accepted', () => {
  const challenge = buildChallenge({ realm: REALM, secret: SECRET, now: T0 });
  const cache = new NonceCountCache();
  const opts = {
    method: 'INVITE',
    password: 'pw',
    realm: REALM,
    secret: SECRET,
    now: T0,
    nonceTtlSeconds: 60,
    nonceCounts: cache,
  };
  const a1 = answerChallenge({ challenge, method: 'INVITE', uri: 'sip:1@h', username: 'u', password: 'pw', nc: 1 });
  assert.equal(verifyDigest({ ...opts, authorization: a1 }).ok, true);
  assert.deepEqual(verifyDigest({ ...opts, authorization: a1 }), { ok: false, reason: 'replay', username: 'u' });
  const a2 = answerChallenge({ challenge, method: 'INVITE', uri: 'sip:1@h', username: 'u', password: 'pw', nc: 2 });
  assert.equal(verifyDigest({ ...opts, authorization: a2 }).ok, true);
});

test('verification uses the uri from the header: a different uri or method breaks the response', () => {
  const challenge = buildChallenge({ realm: REALM, secret: SECRET, now: T0 });
  const a = answerChallenge({ challenge, method: 'INVITE', uri: 'sip:127.0.0.1:5060', username: 'u', password: 'pw' });
  const base = { password: 'pw', realm: REALM, secret: SECRET, now: T0, nonceTtlSeconds: 60 };
  assert.equal(verifyDigest({ ...base, method: 'INVITE', authorization: a }).ok, true);
  const creds = parseAuthorization(a)!;
  assert.equal(
    (
      verifyDigest({ ...base, method: 'INVITE', authorization: { ...creds, uri: 'sip:+911@127.0.0.1' } }) as {
        reason: string;
      }
    ).reason,
    'bad_password',
  );
  assert.equal(
    (verifyDigest({ ...base, method: 'BYE', authorization: a }) as { reason: string }).reason,
    'bad_password',
  );
});

test('realm mismatch, unsupported algorithm and malformed credentials', () => {
  const challenge = buildChallenge({ realm: REALM, secret: SECRET, now: T0 });
  const a = answerChallenge({ challenge, method: 'INVITE', uri: 'sip:h', username: 'u', password: 'pw' });
  const base = { method: 'INVITE', password: 'pw', secret: SECRET, now: T0, nonceTtlSeconds: 60 };
  assert.equal((verifyDigest({ ...base, realm: 'other', authorization: a }) as { reason: string }).reason, 'realm');
  const creds = parseAuthorization(a)!;
  assert.equal(
    (
      verifyDigest({ ...base, realm: REALM, authorization: { ...creds, algorithm: 'SHA-512-256' } }) as {
        reason: string;
      }
    ).reason,
    'unsupported_algorithm',
  );
  assert.equal(
    (verifyDigest({ ...base, realm: REALM, authorization: 'Basic dTpw' }) as { reason: string }).reason,
    'malformed',
  );
  assert.equal(
    (verifyDigest({ ...base, realm: REALM, authorization: 'Digest username="u"' }) as { reason: string }).reason,
    'malformed',
  );
  assert.equal(
    (verifyDigest({ ...base, realm: REALM, authorization: { ...creds, nc: 'zz' } }) as { reason: string }).reason,
    'malformed',
  );
});

test('NonceCountCache stays bounded', () => {
  const cache = new NonceCountCache(3);
  for (let i = 0; i < 10; i++) cache.accept(`n${i}`, 1);
  assert.equal(cache.size, 3);
  assert.equal(cache.accept('n9', 1), false);
  assert.equal(cache.accept('n0', 1), true);
});
