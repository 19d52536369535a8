/**
 * A copy of `s` that holds no reference to the text it was cut from.
 *
 * V8 keeps a substring of 13 or more characters as a view on its parent ("sliced string") and a
 * concatenation as a pair of references ("cons string"). A transaction key built from a received
 * Via branch therefore kept the whole message text (≈ 450 bytes) alive for the transaction's 32 s
 * wait (Timers J, L, M). Slicing a concatenation makes V8 flatten it into a new sequential string
 * first; the result refers to that small copy only. Use it for strings stored beyond the message's
 * own lifetime (table keys), not on the per-message lookup path.
 */
export function ownString(s: string): string {
  return ` ${s}`.slice(1);
}
