import { invalidField } from '../errors.js';

/**
 * ITU-T E.164: a country code and subscriber number of at most 15 digits, written with a
 * leading `+`. We accept visual separators (spaces, hyphens, dots, parentheses) because people
 * paste numbers that way, and store the canonical `+` form. A number without `+` is rejected
 * rather than guessed: `919876543210` could be a national number of another country.
 */
const SEPARATORS = /[\s().-]/g;
const E164 = /^\+[1-9]\d{6,14}$/;

/** The same rule as one JSON-schema pattern: separators anywhere, then + and 7-15 digits. */
export const E164_PATTERN = '^[\\s().-]*\\+[\\s().-]*[1-9](?:[\\s().-]*[0-9]){6,14}[\\s().-]*$';

export const E164_EXPECTED = 'expected E.164: "+" then the country code and number, 7-15 digits, e.g. +919876543210';

export function e164(field: string, raw: string): string {
  const compact = raw.replace(SEPARATORS, '');
  if (!E164.test(compact)) throw invalidField(field, `${JSON.stringify(raw)} is not a phone number; ${E164_EXPECTED}`);
  return compact;
}
