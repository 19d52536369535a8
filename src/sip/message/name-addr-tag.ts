/**
 * The `tag` parameter of a From or To value, or null when it has none (RFC 3261 §19.3). Only the
 * header's own parameters count: those inside a bracketed URI (`<sip:a@b;tag=x>`) belong to the URI,
 * and a quoted display name or parameter value may contain `;tag=` without being one. Without
 * brackets every parameter after the URI is a header parameter (§20.10). A `tag` with no value is
 * no tag: the grammar is `tag-param = "tag" EQUAL token` (§25.1).
 */
export function nameAddrTag(value: string): string | null {
  const n = value.length;
  let i = 0;
  while (i < n) {
    const c = value.charCodeAt(i);
    if (c === 34 /* " */) {
      i = skipQuoted(value, i);
      continue;
    }
    if (c === 60 /* < */) {
      const gt = value.indexOf('>', i + 1);
      if (gt === -1) return null;
      i = gt + 1;
      continue;
    }
    if (c === 59 /* ; */) {
      const tag = tagAt(value, i + 1);
      if (tag !== null) return tag;
    }
    i++;
  }
  return null;
}

/** After a `;`: the tag's value when this parameter is `tag=token`, else null. */
function tagAt(s: string, from: number): string | null {
  let i = skipWs(s, from);
  if (i + 3 > s.length || s.slice(i, i + 3).toLowerCase() !== 'tag') return null;
  i = skipWs(s, i + 3);
  if (s.charCodeAt(i) !== 61 /* = */) return null;
  i = skipWs(s, i + 1);
  let end = i;
  while (end < s.length && !STOP.has(s.charCodeAt(end))) end++;
  return end > i ? s.slice(i, end) : null;
}

/** Where a parameter value ends: the next parameter, a list comma, whitespace or a quote. */
const STOP = new Set([59, 44, 32, 9, 13, 10, 34, 62]);

function skipWs(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  return i;
}

/** Index after the quoted string opening at `i` (backslash escapes one character, §25.1). */
function skipQuoted(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === 92 /* \ */) j += 2;
    else if (c === 34) return j + 1;
    else j++;
  }
  return j;
}
