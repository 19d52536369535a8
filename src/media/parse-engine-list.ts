import { isIP } from 'node:net';

export interface EngineAddress {
  host: string;
  port: number;
  /** Relative share of new calls (default 1). */
  weight: number;
}

/**
 * `--rtpengine udp:10.0.0.5:2223=2,udp:[::1]:2223`: ng control addresses with an optional weight.
 * Throws an Error naming the bad entry; the config layer turns it into a start-up error.
 */
export function parseEngineList(text: string): EngineAddress[] {
  const out: EngineAddress[] = [];
  for (const raw of text.split(',')) {
    const item = raw.trim();
    if (item.length === 0) continue;
    const m = /^(?:udp:)?(\[[0-9a-fA-F:.]+\]|[^:[\]=]+):(\d{1,5})(?:=(\d{1,3}))?$/.exec(item);
    const host = m?.[1]?.replace(/^\[|\]$/g, '') ?? '';
    const port = Number(m?.[2]);
    const weight = m?.[3] === undefined ? 1 : Number(m[3]);
    if (m === null || port < 1 || port > 65535 || weight < 1 || (isIP(host) === 0 && !/^[a-z0-9.-]+$/i.test(host)))
      throw new Error(`--rtpengine entry ${JSON.stringify(item)} is not udp:<host>:<port>[=<weight 1-999>]`);
    out.push({ host, port, weight });
  }
  if (out.length === 0) throw new Error('--rtpengine lists no engine');
  return out;
}
