import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { decodeRtp, encodeRtp, type RtpPacket } from '../../src/pstn-sim/rtp-packet.js';
import { FRAME_SAMPLES, promptFrames } from '../../src/pstn-sim/tone.js';

/** An RTP packet as a test peer got it, with where it came from and when. */
export interface ReceivedRtp extends RtpPacket {
  from: string;
  at: number;
}

/**
 * A test's RTP endpoint: a UDP socket that records every RTP packet it gets and can stream G.711
 * at 20 ms (the simulator's own packetiser, so the gateway's tests can reuse it as a PBX or carrier).
 */
export class RtpPeer {
  readonly packets: ReceivedRtp[] = [];
  sent = 0;
  private timer: NodeJS.Timeout | null = null;

  private constructor(readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      const p = decodeRtp(msg);
      if (p !== null) this.packets.push({ ...p, from: `${rinfo.address}:${rinfo.port}`, at: Date.now() });
    });
  }

  static async open(host = '127.0.0.1'): Promise<RtpPeer> {
    const socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, host, () => r()));
    return new RtpPeer(socket);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Streams PCMU/PCMA (payload type `pt`) to `to` every 20 ms until `stop`; `count` caps it. */
  stream(to: { address: string; port: number }, pt = 0, count = Number.POSITIVE_INFINITY): void {
    const ssrc = randomInt(0, 2 ** 32);
    let seq = randomInt(0, 2 ** 16);
    let ts = randomInt(0, 2 ** 32);
    const frames = promptFrames(pt === 8 ? 'PCMA' : 'PCMU');
    const start = performance.now();
    this.timer = setInterval(() => {
      const due = Math.min(count, Math.floor((performance.now() - start) / 20) + 1);
      for (; this.sent < due; this.sent++) {
        const pkt = encodeRtp(
          { payloadType: pt, sequence: seq, timestamp: ts, ssrc, marker: this.sent === 0 },
          frames[this.sent % frames.length] as Buffer,
        );
        seq = (seq + 1) & 0xffff;
        ts = (ts + FRAME_SAMPLES) >>> 0;
        this.socket.send(pkt, to.port, to.address);
      }
      if (this.sent >= count) this.stopStream();
    }, 20);
  }

  /** Sends one raw datagram (garbage, RTCP, a hand-made RTP packet). */
  sendRaw(data: Buffer, to: { address: string; port: number }): Promise<void> {
    return new Promise((r) => this.socket.send(data, to.port, to.address, () => r()));
  }

  stopStream(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  close(): void {
    this.stopStream();
    this.socket.close();
  }
}
