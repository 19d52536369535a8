import { decodeRtp, isRtcp } from './rtp-packet.js';

/** What one side received, as the simulator reports it (times are epoch milliseconds). */
export interface ReceivedMedia {
  /** Valid RTP packets (RTCP and garbage not included). */
  packets: number;
  /** UDP payload bytes of those packets (RTP headers included). */
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
  /** `address:port` of each source RTP came from, in order of first arrival (at most 8). */
  sources: string[];
  /** Payload types seen, in order of first arrival. */
  payloadTypes: number[];
  /** Packets missing from the sequence numbers (RFC 3550 §6.4.1 cumulative loss, per SSRC, summed). */
  lost: number;
  /** RTP packets carrying the negotiated telephone-event payload type (RFC 4733). */
  telephoneEvents: number;
  rtcp: number;
  /** Datagrams that were neither RTP nor RTCP. */
  invalid: number;
  /** Packets dropped unread because the call's behaviour is to ignore what it receives. */
  ignored: number;
}

const MAX_SOURCES = 8;
const MAX_SSRCS = 16;

interface SsrcState {
  base: number;
  /** Extended highest sequence number (RFC 3550 Appendix A.1: cycles × 2^16 + max). */
  max: number;
  received: number;
}

/** Counts a call's inbound RTP: packets, bytes, arrival times, sources, payload types, loss. */
export class RtpReceiveStats {
  private readonly s: ReceivedMedia = {
    packets: 0,
    bytes: 0,
    firstAt: null,
    lastAt: null,
    sources: [],
    payloadTypes: [],
    lost: 0,
    telephoneEvents: 0,
    rtcp: 0,
    invalid: 0,
    ignored: 0,
  };
  private readonly ssrcs = new Map<number, SsrcState>();
  telephoneEventPt: number | null = null;

  /** Counts one datagram; returns true when it was RTP (what symmetric RTP latches on). */
  add(msg: Buffer, source: string, now = Date.now()): boolean {
    if (isRtcp(msg)) {
      this.s.rtcp++;
      return false;
    }
    const p = decodeRtp(msg);
    if (p === null) {
      this.s.invalid++;
      return false;
    }
    const s = this.s;
    s.packets++;
    s.bytes += msg.length;
    s.firstAt ??= now;
    s.lastAt = now;
    if (s.sources.length < MAX_SOURCES && !s.sources.includes(source)) s.sources.push(source);
    if (!s.payloadTypes.includes(p.payloadType)) s.payloadTypes.push(p.payloadType);
    if (p.payloadType === this.telephoneEventPt) s.telephoneEvents++;
    let st = this.ssrcs.get(p.ssrc);
    if (st === undefined) {
      if (this.ssrcs.size >= MAX_SSRCS) return true; // a flood of SSRCs is not worth tracking
      st = { base: p.sequence, max: p.sequence, received: 0 };
      this.ssrcs.set(p.ssrc, st);
    }
    st.received++;
    // A forward step of less than half the sequence space advances (wrapping); anything else is a
    // late or duplicate packet (RFC 3550 Appendix A.1, without the probation and restart logic).
    const delta = (p.sequence - (st.max & 0xffff)) & 0xffff;
    if (delta > 0 && delta < 0x8000) st.max += delta;
    return true;
  }

  /** Counts a datagram dropped unread. */
  ignore(): void {
    this.s.ignored++;
  }

  report(): ReceivedMedia {
    let lost = 0;
    for (const st of this.ssrcs.values()) lost += Math.max(0, st.max - st.base + 1 - st.received);
    return { ...this.s, sources: [...this.s.sources], payloadTypes: [...this.s.payloadTypes], lost };
  }
}
