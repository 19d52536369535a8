const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The octet string (one char per octet, see `types.ts`) of UTF-8 text, for putting characters
 * from elsewhere (configuration, the API) into a header value or reason phrase. SIP text is
 * UTF-8 (RFC 3261 §7.3.1, §25.1); ASCII is returned as is.
 */
export function textToOctets(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}
