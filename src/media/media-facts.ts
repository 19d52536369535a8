import type { BValue } from './bencode.js';
import type { NgDict } from './ng-client.js';

/** What rtpengine saw arrive from one party of a call (its RTP, RTCP not counted). */
export interface MediaLegFacts {
  packets: number;
  bytes: number;
  /** Packets rtpengine could not relay (wrong SSRC, SRTP authentication failed, …). */
  errors: number;
  /** `address:port` RTP came from (after latching), null when nothing came. */
  from: string | null;
  /** Unix seconds of the last packet, null when nothing came. */
  lastPacket: number | null;
  codec: string | null;
  /** From RTCP reports when the parties send them: packets lost, and jitter (ms). */
  lost: number | null;
  jitterMs: number | null;
}

/** The media of one call, per party: `pbx` is what came from the PBX, `carrier` what came from the carrier. */
export interface MediaFacts {
  engine: string;
  pbx: MediaLegFacts;
  carrier: MediaLegFacts;
}

type Dict = { [key: string]: BValue };
const isDict = (v: BValue | undefined): v is Dict => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: BValue | undefined): number => (typeof v === 'number' ? v : 0);

export function emptyLeg(): MediaLegFacts {
  return { packets: 0, bytes: 0, errors: 0, from: null, lastPacket: null, codec: null, lost: null, jitterMs: null };
}

/**
 * The facts of one party (`tag`) from a `query` reply: in rtpengine's per-tag view, a stream's
 * `stats` count what arrived from that tag's endpoint on the local port facing it. Tolerant: a
 * reply with missing pieces yields zeros, never an exception.
 */
export function legFacts(reply: NgDict, tag: string | null): MediaLegFacts {
  const leg = emptyLeg();
  const tags = reply.tags;
  if (tag === null || !isDict(tags)) return leg;
  const t = tags[tag];
  if (!isDict(t) || !Array.isArray(t.medias)) return leg;
  const ssrcs = new Set<number>();
  for (const m of t.medias) {
    if (!isDict(m) || !Array.isArray(m.streams)) continue;
    if (typeof m.codec === 'string' && leg.codec === null) leg.codec = m.codec;
    for (const s of m.streams) {
      if (!isDict(s)) continue;
      const flags = Array.isArray(s.flags) ? s.flags : [];
      if (flags.includes('RTCP') && !flags.includes('RTP')) continue;
      const stats = isDict(s.stats) ? s.stats : {};
      const packets = num(stats.packets);
      leg.packets += packets;
      leg.bytes += num(stats.bytes);
      leg.errors += num(stats.errors);
      if (typeof s.SSRC === 'number' && s.SSRC !== 0) ssrcs.add(s.SSRC);
      const ep = s.endpoint;
      if (packets > 0 && isDict(ep) && typeof ep.address === 'string' && leg.from === null) {
        leg.from = `${ep.address.includes(':') ? `[${ep.address}]` : ep.address}:${num(ep.port)}`;
        leg.lastPacket = typeof s['last packet'] === 'number' ? s['last packet'] : null;
      }
    }
  }
  const ssrcTable = reply.SSRC;
  if (isDict(ssrcTable)) {
    for (const id of ssrcs) {
      const e = ssrcTable[String(id)];
      if (!isDict(e)) continue;
      // The last RTCP report about this SSRC: cumulative loss and interarrival jitter (RFC 3550 §6.4.1).
      const samples = Array.isArray(e['MOS progression']) ? e['MOS progression'] : [];
      const last = samples.at(-1);
      if (isDict(last)) {
        leg.lost = num(last['packet loss']);
        leg.jitterMs = num(last.jitter);
      }
    }
  }
  return leg;
}

/** Total RTP packets rtpengine relayed for a call so far (both directions). */
export function totalPackets(reply: NgDict): number {
  const totals = reply.totals;
  if (!isDict(totals) || !isDict(totals.RTP)) return 0;
  return num(totals.RTP.packets);
}

/** Whether a reply carries a call's statistics (a `query` reply, or a `delete` that named a known tag). */
export function hasStats(reply: NgDict): boolean {
  return isDict(reply.tags) && isDict(reply.totals);
}
