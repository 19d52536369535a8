import type { Registration } from '../../client/types.js';

/**
 * One binding in a sentence, as `vsip registrations` and `vsip doctor` say it: "registered from
 * 203.0.113.7:41234 over TLS, expires in 212 s".
 */
export function describeRegistration(r: Registration): string {
  const host = r.received_ip.includes(':') ? `[${r.received_ip}]` : r.received_ip;
  return `registered from ${host}:${r.received_port} over ${r.transport.toUpperCase()}, expires in ${r.expires_in} s`;
}
