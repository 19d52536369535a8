const HIGH = /[\x80-\xff]/;

/**
 * Human-readable text of a header value, reason phrase or URI part, for logs, the call log and
 * error messages. The codec keeps those as octet strings (one char per octet, see `types.ts`);
 * SIP text is UTF-8 (RFC 3261 §7.3.1, §25.1), so octets that form UTF-8 become the characters they
 * encode, and invalid sequences U+FFFD. Only for reading: what goes back on the wire stays octets.
 */
export function octetsToText(octets: string): string {
  return HIGH.test(octets) ? Buffer.from(octets, 'latin1').toString('utf8') : octets;
}
