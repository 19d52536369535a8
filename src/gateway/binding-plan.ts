import { parseNameAddr } from '../sip/index.js';

/** The registrar's bounds: a PBX cannot make it hold more, or for longer, than this. */
export interface BindingLimits {
  /** Shortest binding granted (s); a shorter non-zero one gets 423 + Min-Expires (RFC 3261 §10.3 step 7). */
  minExpires: number;
  /** Longest binding granted (s); a longer one is shortened and the 200 says so (§10.3 step 7). */
  maxExpires: number;
  /** When neither the Contact's expires nor an Expires header says (§10.3 step 7, §20.19). */
  defaultExpires: number;
  /** Bindings one trunk may hold at once (each one is rung on every inbound call). */
  maxContacts: number;
}

/** Longest Contact URI stored: longer is no PBX's contact, only a way to bloat the store. */
const MAX_CONTACT_LENGTH = 512;

export type BindingPlan =
  | { kind: 'refuse'; code: number; reason: string; headers: Array<{ name: string; value: string }> }
  | {
      kind: 'apply';
      /** `Contact: *` with `Expires: 0`: every binding of the trunk goes (§10.3 step 6). */
      removeAll: boolean;
      remove: string[];
      upsert: Array<{ contact: string; expires: number }>;
    };

const refuse = (code: number, reason: string, headers: Array<{ name: string; value: string }> = []): BindingPlan => ({
  kind: 'refuse',
  code,
  reason,
  headers,
});

/**
 * What one authenticated REGISTER asks for (RFC 3261 §10.3 steps 6–7), decided before anything is
 * written so that a refused request changes nothing: each Contact's expiry (its `expires`
 * parameter, else the Expires header, else the default; §20.19: malformed → default), 0 removes,
 * too short → 423, too long → shortened; `*` only alone and with `Expires: 0` (else 400); no more
 * than `maxContacts` bindings for the trunk once applied (else 403, nothing applied).
 *
 * @param live the contacts the trunk holds now (unexpired)
 */
export function planBindings(
  contacts: readonly string[],
  expiresHeader: string | null,
  live: readonly string[],
  limits: BindingLimits,
): BindingPlan {
  const tooMany = `Forbidden (at most ${limits.maxContacts} registered contacts per trunk)`;
  // Bounded before any parsing: a flood of Contacts costs no more than this check.
  if (contacts.length > limits.maxContacts) return refuse(403, tooMany);
  const headerExpires = parseExpires(expiresHeader);
  if (contacts.some((c) => c.trim() === '*')) {
    if (contacts.length !== 1 || headerExpires !== 0)
      return refuse(400, 'Bad Request (Contact: * needs Expires: 0 and no other Contact)');
    return { kind: 'apply', removeAll: true, remove: [], upsert: [] };
  }
  const wanted = new Map<string, number>();
  for (const c of contacts) {
    let uri: string;
    let param: string | undefined;
    try {
      const na = parseNameAddr(c);
      uri = na.uri;
      param = na.params.get('expires') ?? undefined;
    } catch {
      return refuse(400, 'Bad Request (malformed Contact)');
    }
    if (!/^sips?:/i.test(uri)) return refuse(400, 'Bad Request (Contact must be a sip: or sips: URI)');
    if (uri.length > MAX_CONTACT_LENGTH) return refuse(400, 'Bad Request (Contact URI too long)');
    let expires = parseExpires(param ?? null) ?? headerExpires ?? limits.defaultExpires;
    if (expires > 0 && expires < limits.minExpires)
      return refuse(423, 'Interval Too Brief', [{ name: 'min-expires', value: String(limits.minExpires) }]);
    expires = Math.min(expires, limits.maxExpires);
    wanted.set(uri, expires); // the same URI twice: the last one counts
  }
  const remove: string[] = [];
  const upsert: Array<{ contact: string; expires: number }> = [];
  const after = new Set(live);
  for (const [contact, expires] of wanted) {
    if (expires === 0) {
      remove.push(contact);
      after.delete(contact);
    } else {
      upsert.push({ contact, expires });
      after.add(contact);
    }
  }
  if (after.size > limits.maxContacts && upsert.some((u) => !live.includes(u.contact))) return refuse(403, tooMany);
  return { kind: 'apply', removeAll: false, remove, upsert };
}

/**
 * Delta-seconds (§20.19, §25.1): digits only. A value past 2^32-1 is as long as any (it is
 * shortened to the maximum anyway); anything else is "malformed" and null (→ the default).
 */
export function parseExpires(v: string | null): number | null {
  if (v === null) return null;
  const t = v.trim();
  if (!/^\d{1,20}$/.test(t)) return null;
  return Math.min(Number(t), 0xffffffff);
}
