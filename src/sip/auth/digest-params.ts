/**
 * Parsing and formatting of Digest `auth-param` lists, shared by challenges
 * (WWW-Authenticate / Proxy-Authenticate) and credentials (Authorization / Proxy-Authorization).
 *
 * @see RFC 3261 §25.1 (`challenge`, `credentials`, `digest-response`), RFC 7616 §3.3–§3.4
 */

/** A parsed `Digest k=v, k="v"` list: lower-cased names, unquoted values. */
export interface DigestParams {
  scheme: string;
  params: Map<string, string>;
}

/**
 * Splits `Digest a=b, c="d,e"` into its scheme and parameters. Quoted values may contain commas and
 * backslash escapes (RFC 3261 §25.1 `quoted-pair`). Returns null when the text is not a well-formed
 * parameter list, so callers can answer `malformed` instead of throwing.
 */
export function parseDigestParams(value: string): DigestParams | null {
  const text = value.trim();
  const sp = text.search(/\s/);
  if (sp <= 0) return null;
  const scheme = text.slice(0, sp);
  const params = new Map<string, string>();
  let i = sp;
  const n = text.length;
  while (i < n) {
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === ',')) i++;
    if (i >= n) break;
    const eq = text.indexOf('=', i);
    if (eq < 0) return null;
    const name = text.slice(i, eq).trim().toLowerCase();
    if (name.length === 0 || /[\s",]/.test(name)) return null;
    i = eq + 1;
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    let val = '';
    if (text[i] === '"') {
      i++;
      let closed = false;
      while (i < n) {
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          val += text[i + 1];
          i += 2;
          continue;
        }
        if (ch === '"') {
          closed = true;
          i++;
          break;
        }
        val += ch;
        i++;
      }
      if (!closed) return null;
    } else {
      const start = i;
      while (i < n && text[i] !== ',' && text[i] !== ' ' && text[i] !== '\t') i++;
      val = text.slice(start, i);
    }
    if (params.has(name)) return null;
    params.set(name, val);
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (i < n && text[i] !== ',') return null;
  }
  return { scheme, params };
}

/** Quotes a value for a Digest parameter, escaping `"` and `\` (RFC 3261 §25.1 quoted-string). */
export function quoteDigestValue(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
