import { isToken } from './lex.js';

/** RFC 3261 §7.3.3 compact forms, plus the ones later RFCs registered (RFC 3265, 3515, 3841, 3892, 4028, 4474). */
const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
  r: 'refer-to',
  b: 'referred-by',
  u: 'allow-events',
  x: 'session-expires',
  a: 'accept-contact',
  j: 'reject-contact',
  d: 'request-disposition',
  y: 'identity',
  n: 'identity-info',
};

/** Wire spelling of well-known headers whose capitalisation is not plain Title-Case. */
const WIRE: Record<string, string> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rseq: 'RSeq',
  rack: 'RAck',
  'min-se': 'Min-SE',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
  'content-id': 'Content-ID',
  'p-asserted-identity': 'P-Asserted-Identity',
  'p-preferred-identity': 'P-Preferred-Identity',
  'remote-party-id': 'Remote-Party-ID',
  'identity-info': 'Identity-Info',
};

const normalizeCache = new Map<string, string | null>();
const wireCache = new Map<string, string | null>();
const CACHE_MAX = 4096;

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Canonical lower-case long form of a header name (`V`, `via`, `VIA` → `via`), or null when the
 * name is not a token (RFC 3261 §7.3.1: names are case-insensitive; §7.3.3 compact forms).
 */
export function normalizeHeaderName(name: string): string | null {
  const hit = normalizeCache.get(name);
  if (hit !== undefined) return hit;
  if (!isToken(name)) return remember(normalizeCache, name, null);
  const lower = name.toLowerCase();
  return remember(normalizeCache, name, COMPACT[lower] ?? lower);
}

/** Like {@link normalizeHeaderName} but throws a TypeError for a non-token name (API misuse). */
export function headerKey(name: string): string {
  const key = normalizeHeaderName(name);
  if (key === null) throw new TypeError(`invalid SIP header name ${JSON.stringify(name)}`);
  return key;
}

/**
 * The spelling written on the wire for a canonical name: `call-id` → `Call-ID`, `x-foo` → `X-Foo`.
 * Null when `name` is not a token (the serializer refuses it: no header injection via names).
 */
export function wireHeaderName(name: string): string | null {
  const hit = wireCache.get(name);
  if (hit !== undefined) return hit;
  const key = normalizeHeaderName(name);
  if (key === null) return remember(wireCache, name, null);
  const wire = WIRE[key] ?? key.replace(/(^|-)([a-z])/g, (_m, sep: string, ch: string) => sep + ch.toUpperCase());
  return remember(wireCache, name, wire);
}

/**
 * Headers whose grammar is a comma-separated list (RFC 3261 §7.3.1: only these may be combined on
 * one line). Authorization, WWW-Authenticate, Date… carry commas inside one value and are absent.
 */
export const LIST_HEADERS: ReadonlySet<string> = new Set([
  'via',
  'route',
  'record-route',
  'contact',
  'allow',
  'supported',
  'require',
  'proxy-require',
  'unsupported',
  'accept',
  'accept-encoding',
  'accept-language',
  'alert-info',
  'call-info',
  'error-info',
  'content-encoding',
  'content-language',
  'in-reply-to',
  'warning',
  'allow-events',
  'path',
  'service-route',
  'p-asserted-identity',
  'p-preferred-identity',
  'p-associated-uri',
  'history-info',
  'diversion',
  'reason',
  'accept-contact',
  'reject-contact',
  'request-disposition',
  'security-client',
  'security-server',
  'security-verify',
]);

/** Headers that must appear once with one value (RFC 3261 §20; RFC 4475 §3.3.8, §3.3.9). */
export const SINGLE_HEADERS: ReadonlySet<string> = new Set([
  'from',
  'to',
  'call-id',
  'cseq',
  'max-forwards',
  'content-length',
  'content-type',
]);
