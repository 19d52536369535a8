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
  /** From the other party's RTCP receiver reports about this stream, when sent: packets lost, jitter (ms). */
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

/** The streams of what arrived from party `tag` (rtpengine's per-tag view of a `query` reply). */
function streamsOf(reply: NgDict, tag: string | null): Dict[] {
  if (tag === null) return [];
  return mediasOf(reply, tag).flatMap((m) => (Array.isArray(m.streams) ? m.streams.filter(isDict) : []));
}

/**
 * The facts of one party from a `query` reply: in rtpengine's per-tag view, a stream's `stats`
 * count what arrived from that tag's endpoint on the local port facing it. A party may have more
 * than one tag: a carrier that failed over after early media keeps its tag, and rtpengine may
 * count the next carrier's packets there (they come in on the same local port), so the party's
 * tags are summed and `from` is where the latest packet came from. Loss and jitter come from the
 * RTCP receiver reports the other party (`reporterTags`) sends about that stream (RFC 3550
 * §6.4.1): rtpengine files them under the reporter's SSRC, with the cumulative number lost and
 * the interarrival jitter in ms of its last report (`MOS progression`, a list in older versions,
 * `{ entries }` in 10.x). Tolerant: a reply with missing pieces yields zeros and nulls, never an
 * exception.
 */
export function legFacts(reply: NgDict, tags: readonly string[], reporterTags: readonly string[] = []): MediaLegFacts {
  const leg = emptyLeg();
  for (const m of tags.flatMap((t) => mediasOf(reply, t))) {
    if (typeof m.codec === 'string' && leg.codec === null) leg.codec = m.codec;
  }
  for (const s of tags.flatMap((t) => streamsOf(reply, t))) {
    const flags = Array.isArray(s.flags) ? s.flags : [];
    if (flags.includes('RTCP') && !flags.includes('RTP')) continue;
    const stats = isDict(s.stats) ? s.stats : {};
    const packets = num(stats.packets);
    leg.packets += packets;
    leg.bytes += num(stats.bytes);
    leg.errors += num(stats.errors);
    const ep = s.endpoint;
    const last = typeof s['last packet'] === 'number' ? s['last packet'] : null;
    const later = leg.from === null || (last !== null && last > (leg.lastPacket ?? 0));
    if (packets > 0 && isDict(ep) && typeof ep.address === 'string' && later) {
      leg.from = `${ep.address.includes(':') ? `[${ep.address}]` : ep.address}:${num(ep.port)}`;
      leg.lastPacket = last;
    }
  }
  const ssrcTable = reply.SSRC;
  if (!isDict(ssrcTable)) return leg;
  const reporters = new Set<number>();
  for (const s of reporterTags.flatMap((t) => streamsOf(reply, t)))
    if (typeof s.SSRC === 'number' && s.SSRC !== 0) reporters.add(s.SSRC);
  for (const id of reporters) {
    const e = ssrcTable[String(id)];
    if (!isDict(e)) continue;
    const progression = e['MOS progression'];
    const samples = Array.isArray(progression)
      ? progression
      : isDict(progression) && Array.isArray(progression.entries)
        ? progression.entries
        : [];
    const last = samples.at(-1);
    if (!isDict(last)) continue;
    leg.lost = typeof e['cumulative loss'] === 'number' ? e['cumulative loss'] : num(last['packet loss']);
    leg.jitterMs = num(last.jitter);
  }
  return leg;
}

function mediasOf(reply: NgDict, tag: string): Dict[] {
  const tags = reply.tags;
  const t = isDict(tags) ? tags[tag] : undefined;
  return isDict(t) && Array.isArray(t.medias) ? t.medias.filter(isDict) : [];
}

/** The tags (parties) of a `query` reply. */
export function tagsOf(reply: NgDict): string[] {
  return isDict(reply.tags) ? Object.keys(reply.tags) : [];
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
