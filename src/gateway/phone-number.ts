/**
 * Phone numbers as the gateway compares them: canonical E.164 with a leading `+`, the form the
 * store keeps (`PhoneNumber.phoneNumber`). PBXs send `+919…`, `919…`, `00919…` or with visual
 * separators (`+91-98…`, RFC 3966 §5.1.1); all of them mean the same subscriber.
 */

/**
 * `+<8–15 digits>` or null. Accepts a leading `+` or `00` (international prefix), digits only with
 * the country code, and RFC 3966 visual separators (`-`, `.`, `(`, `)`, space). Anything after a
 * `;` (user-part parameters such as `;phone-context=` or `;npdi`) is ignored.
 *
 * @see ITU-T E.164 §6 (at most 15 digits), RFC 3966 §5.1.1
 */
export function normalizeE164(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  let out = '';
  let i = 0;
  const n = raw.length;
  if (n > 0 && raw.charCodeAt(0) === 43 /* + */) i = 1;
  else if (n > 1 && raw.charCodeAt(0) === 48 && raw.charCodeAt(1) === 48) i = 2; // 00 = international prefix
  for (; i < n; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      out += raw[i];
      if (out.length > 15) return null;
    } else if (c === 59 /* ; */) {
      break;
    } else if (c !== 45 && c !== 46 && c !== 40 && c !== 41 && c !== 32) {
      return null;
    }
  }
  if (out.length < 8 || out.charCodeAt(0) === 48 /* country codes never start with 0 */) return null;
  return `+${out}`;
}
