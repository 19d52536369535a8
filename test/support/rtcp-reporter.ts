import dgram from 'node:dgram';
import type { RtpPeer } from './anchored-rtp-peer.js';

/** Seconds between 1900 (NTP epoch) and 1970. */
const NTP_OFFSET = 2_208_988_800;
const CLOCK_RATE = 8000;

/**
 * The RTCP side of an RtpPeer (RFC 3550 §6): it measures the RTP the peer receives — packets lost
 * from the sequence numbers (§A.3) and interarrival jitter (§A.8) — and, on `report()`, sends a
 * sender report for what the peer sent and a receiver report about what it received, with LSR/DLSR
 * from the last sender report that reached it (§6.4.1), so that a middlebox can compute the round
 * trip as rtpengine does.
 */
export class RtcpReporter {
  readonly socket = dgram.createSocket('udp4');
  /** Receiver reports sent; sender reports received. */
  sentReports = 0;
  receivedSenderReports = 0;
  #remoteSsrc: number | null = null;
  #baseSeq = -1;
  #maxSeq = 0;
  #cycles = 0;
  #received = 0;
  #expectedPrior = 0;
  #receivedPrior = 0;
  #transit: number | null = null;
  #jitter = 0;
  #lsr = 0;
  #lsrAt = 0;

  private constructor(readonly rtp: RtpPeer) {}

  static async open(rtp: RtpPeer, host = '127.0.0.1'): Promise<RtcpReporter> {
    const r = new RtcpReporter(rtp);
    await new Promise<void>((res) => r.socket.bind(0, host, () => res()));
    rtp.socket.on('message', (m) => r.#onRtp(m));
    r.socket.on('message', (m) => r.#onRtcp(m));
    return r;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** The lost count as the next receiver report will state it. */
  get lost(): number {
    return this.#expected() - this.#received;
  }

  #expected(): number {
    return this.#baseSeq < 0 ? 0 : this.#cycles + this.#maxSeq - this.#baseSeq + 1;
  }

  #onRtp(m: Buffer): void {
    if (m.length < 12 || m[0] !== 0x80) return;
    const seq = m.readUInt16BE(2);
    const ts = m.readUInt32BE(4);
    this.#remoteSsrc = m.readUInt32BE(8);
    if (this.#baseSeq < 0) {
      this.#baseSeq = seq;
      this.#maxSeq = seq;
    } else if (seq > this.#maxSeq) this.#maxSeq = seq;
    else if (this.#maxSeq - seq > 0x8000) {
      this.#cycles += 0x10000;
      this.#maxSeq = seq;
    }
    this.#received++;
    const arrival = (performance.now() / 1000) * CLOCK_RATE;
    const transit = arrival - ts;
    if (this.#transit !== null) this.#jitter += (Math.abs(transit - this.#transit) - this.#jitter) / 16;
    this.#transit = transit;
  }

  #onRtcp(m: Buffer): void {
    // A sender report (PT 200), maybe first of a compound packet: its NTP timestamp's middle 32 bits.
    if (m.length >= 28 && m[1] === 200) {
      this.#lsr = ((m.readUInt32BE(8) & 0xffff) * 0x10000 + (m.readUInt32BE(12) >>> 16)) >>> 0;
      this.#lsrAt = Date.now();
      this.receivedSenderReports++;
    }
  }

  /** A sender report for the peer's own RTP, then a receiver report about the stream it receives. */
  report(to: { address: string; port: number }): void {
    const ms = Date.now();
    const sr = Buffer.alloc(28);
    sr[0] = 0x80;
    sr[1] = 200;
    sr.writeUInt16BE(6, 2);
    sr.writeUInt32BE(this.rtp.ssrc, 4);
    sr.writeUInt32BE((Math.floor(ms / 1000) + NTP_OFFSET) >>> 0, 8);
    sr.writeUInt32BE(Math.floor(((ms % 1000) / 1000) * 2 ** 32) >>> 0, 12);
    sr.writeUInt32BE((this.rtp.sent * 160) >>> 0, 16);
    sr.writeUInt32BE(this.rtp.sent, 20);
    sr.writeUInt32BE(this.rtp.sent * 160, 24);
    this.socket.send(sr, to.port, to.address);
    if (this.#remoteSsrc === null) return;
    const expected = this.#expected();
    const expectedInterval = expected - this.#expectedPrior;
    const lostInterval = expectedInterval - (this.#received - this.#receivedPrior);
    this.#expectedPrior = expected;
    this.#receivedPrior = this.#received;
    const fraction =
      expectedInterval <= 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const rr = Buffer.alloc(32);
    rr[0] = 0x81;
    rr[1] = 201;
    rr.writeUInt16BE(7, 2);
    rr.writeUInt32BE(this.rtp.ssrc, 4);
    rr.writeUInt32BE(this.#remoteSsrc, 8);
    rr.writeUInt32BE(((Math.min(fraction, 255) << 24) | (Math.max(this.lost, 0) & 0xffffff)) >>> 0, 12);
    rr.writeUInt32BE((this.#cycles + this.#maxSeq) >>> 0, 16);
    rr.writeUInt32BE(Math.round(this.#jitter) >>> 0, 20);
    rr.writeUInt32BE(this.#lsr, 24);
    rr.writeUInt32BE(this.#lsr === 0 ? 0 : Math.floor(((Date.now() - this.#lsrAt) / 1000) * 65536) >>> 0, 28);
    this.socket.send(rr, to.port, to.address);
    this.sentReports++;
  }

  close(): void {
    this.socket.close();
  }
}
