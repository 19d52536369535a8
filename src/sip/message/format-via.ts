import type { Via } from './types.js';

/**
 * Writes a Via value. The `branch`, `received` and `rport` fields win over `params` so that a proxy
 * can simply assign `via.received = ip; via.rport = port` (RFC 3581 §4) before formatting.
 */
export function formatVia(via: Via): string {
  const host = via.host.indexOf(':') !== -1 && via.host[0] !== '[' ? `[${via.host}]` : via.host;
  let out = `SIP/2.0/${via.transport} ${host}`;
  if (via.port !== null) out += `:${via.port}`;
  const fields: Record<string, string | null> = {
    branch: via.branch,
    received: via.received,
    rport: via.rport === null ? null : String(via.rport),
  };
  const seen = new Set<string>();
  for (const [name, value] of via.params) {
    if (name in fields) {
      seen.add(name);
      const v = fields[name]!;
      if (v !== null) out += `;${name}=${v}`;
      else if (name === 'rport') out += ';rport';
      continue;
    }
    out += value === null ? `;${name}` : `;${name}=${value}`;
  }
  for (const name of ['branch', 'received', 'rport']) {
    const v = fields[name];
    if (!seen.has(name) && v !== null && v !== undefined) out += `;${name}=${v}`;
  }
  return out;
}
