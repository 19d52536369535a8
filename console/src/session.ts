/** What signs the console in: the same three values a REST client uses (HTTP Basic key:token). */
export interface Session {
  accountSid: string;
  apiKey: string;
  apiToken: string;
}

const KEY = 'vsip.console.session';

/**
 * Session storage only (never localStorage or the URL): the credentials live as long as the tab,
 * are not shared with other tabs or written to disk by most browsers, and sign-out removes them.
 */
export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (raw === null) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.accountSid === 'string' && typeof s.apiKey === 'string' && typeof s.apiToken === 'string')
      return { accountSid: s.accountSid, apiKey: s.apiKey, apiToken: s.apiToken };
  } catch {
    // Storage disabled or a corrupt value: sign in again.
  }
  return null;
}

export function saveSession(s: Session): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage disabled: the session stays in memory only.
  }
}

export function clearSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing stored.
  }
}
