import dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { encodeRtp } from './rtp-packet.js';
import { RtpReceiveStats, type ReceivedMedia } from './rtp-receive-stats.js';
import { FRAME_SAMPLES, promptFrames } from './tone.js';

/** What a call does with media (the special numbers vary it; docs/pstn-simulator.md). */
export interface MediaBehaviour {
  /** Send the prompt; false: never a packet. */
  send: boolean;
  /** Count (and latch on) what arrives; false: drop it unread, send to the SDP address regardless. */
  listen: boolean;
  /** Stop sending this long after the stream started (the media-timeout case); null: never. */
  stopSendingAfterMs: number | null;
}

export const NORMAL_MEDIA: MediaBehaviour = Object.freeze({ send: true, listen: true, stopSendingAfterMs: null });

export interface MediaTarget {
  address: string;
  port: number;
}

/** The negotiated codec: its name, payload type, and the telephone-event payload type if agreed. */
export interface MediaCodec {
  name: string;
  payloadType: number;
  telephoneEvent: number | null;
}

export interface SentMedia {
  packets: number;
  bytes: number;
  firstAt: number | null;
  lastAt: number | null;
  /** Sends the OS refused (unreachable address, no route). */
  errors: number;
}

export interface MediaReport {
  codec: string | null;
  /** `address:port` of our RTP socket, as put in the SDP. */
  local: string;
  /** Where we send (the SDP's c=/m=, or where RTP came from once latched); null: nowhere yet. */
  remote: string | null;
  latched: boolean;
  sent: SentMedia;
  received: ReceivedMedia;
  /** The socket is still open (the call is up). */
  open: boolean;
}

const PTIME_MS = 20;
/**
 * After a stall of the event loop (a busy machine) the packets due are sent at once, up to half a
 * second's worth, which a jitter buffer absorbs; a longer stall is skipped rather than flooded.
 */
const MAX_BURST = 25;

const hostPort = (address: string, port: number): string =>
  address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;

/**
 * One call's media at the simulator: a UDP socket on the address of its SDP, an RTP stream of the
 * prompt in G.711 every 20 ms (RFC 3551 §4.5.14: ptime 20, 160 samples, 50 packets/s) with a random
 * SSRC, sequence and timestamp base (RFC 3550 §5.1), and counters of what arrives. Symmetric RTP
 * (RFC 4961): the stream goes to the SDP's address until the first RTP packet arrives, then to where
 * that packet came from — how a media relay reaches a peer behind NAT.
 */
export class RtpSession {
  private readonly stats = new RtpReceiveStats();
  private readonly sent: SentMedia = { packets: 0, bytes: 0, firstAt: null, lastAt: null, errors: 0 };
  private readonly ssrc = randomInt(0, 2 ** 32);
  private sequence = randomInt(0, 2 ** 16);
  private readonly timestampBase = randomInt(0, 2 ** 32);
  private codec: MediaCodec | null = null;
  private remote: MediaTarget | null = null;
  /** The address the last SDP gave, apart from where we send once latched. */
  private sdpRemote: MediaTarget | null = null;
  private latched = false;
  private timer: NodeJS.Timeout | null = null;
  private clockStart = 0;
  private frames = 0;
  private marker = true;
  private paused = false;
  private closed = false;
  private readonly local: string;
  readonly port: number;

  private constructor(
    private readonly socket: dgram.Socket,
    private readonly behaviour: MediaBehaviour,
  ) {
    const a = socket.address();
    this.local = hostPort(a.address, a.port);
    this.port = a.port;
    socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
    // ICMP errors reported on the socket must not crash the simulator; a failed send is counted.
    socket.on('error', () => {
      this.sent.errors++;
    });
  }

  /** Binds a socket on `host` (a free port); the caller puts `port` in its SDP. */
  static async open(host: string, behaviour: MediaBehaviour = NORMAL_MEDIA): Promise<RtpSession> {
    const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return new RtpSession(socket, behaviour);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Starts the stream in `codec` toward `remote` (null, or an unspecified address such as the
   * 0.0.0.0 of RFC 3264 §8.4 hold: wait to latch). Only PCMU and PCMA are sent; another codec
   * (G.729) is received and counted but nothing is sent, as the simulator cannot encode it.
   */
  start(codec: MediaCodec, remote: MediaTarget | null): void {
    if (this.closed) return;
    this.codec = codec;
    this.stats.telephoneEventPt = codec.telephoneEvent;
    this.sdpRemote = remote;
    if (!this.latched) this.remote = usable(remote);
    if (this.timer !== null || !this.behaviour.send) return;
    if (codec.name !== 'PCMU' && codec.name !== 'PCMA') return;
    this.clockStart = performance.now();
    this.timer = setInterval(() => this.tick(), PTIME_MS);
  }

  /** A new remote address from a later offer or answer (re-INVITE, the ACK of a late offer). */
  setRemote(remote: MediaTarget | null): void {
    if (remote?.address === this.sdpRemote?.address && remote?.port === this.sdpRemote?.port) return;
    this.sdpRemote = remote;
    this.latched = false;
    this.remote = usable(remote);
  }

  /** Hold (RFC 3264 §8.4: a=sendonly / a=inactive from the peer): stop sending, keep the clock. */
  setPaused(paused: boolean): void {
    if (paused && !this.paused) this.marker = true;
    this.paused = paused;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.socket.close();
  }

  report(): MediaReport {
    return {
      codec: this.codec?.name ?? null,
      local: this.local,
      remote: this.remote === null ? null : hostPort(this.remote.address, this.remote.port),
      latched: this.latched,
      sent: { ...this.sent },
      received: this.stats.report(),
      open: !this.closed,
    };
  }

  private onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (!this.behaviour.listen) {
      this.stats.ignore();
      return;
    }
    if (!this.stats.add(msg, hostPort(rinfo.address, rinfo.port)) || this.latched) return;
    this.latched = true;
    this.remote = { address: rinfo.address, port: rinfo.port };
  }

  private tick(): void {
    const elapsed = performance.now() - this.clockStart;
    const stopAfter = this.behaviour.stopSendingAfterMs;
    if (stopAfter !== null && elapsed >= stopAfter) {
      if (this.timer !== null) clearInterval(this.timer);
      this.timer = null;
      return;
    }
    let due = Math.floor(elapsed / PTIME_MS) + 1 - this.frames;
    if (due > MAX_BURST) {
      // The timestamp follows the sampling clock across the gap; the sequence number does not
      // jump, so the receiver sees a time gap, not loss (RFC 3550 §5.1).
      this.frames += due - 1;
      due = 1;
    }
    for (; due > 0; due--) {
      if (this.remote !== null && !this.paused) this.sendFrame(this.remote);
      this.frames++;
    }
  }

  private sendFrame(to: MediaTarget): void {
    const codec = this.codec as MediaCodec;
    const frames = promptFrames(codec.name as 'PCMU' | 'PCMA');
    const packet = encodeRtp(
      {
        payloadType: codec.payloadType,
        sequence: this.sequence,
        timestamp: (this.timestampBase + this.frames * FRAME_SAMPLES) >>> 0,
        ssrc: this.ssrc,
        marker: this.marker,
      },
      frames[this.frames % frames.length] as Buffer,
    );
    this.marker = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    const now = Date.now();
    this.sent.packets++;
    this.sent.bytes += packet.length;
    this.sent.firstAt ??= now;
    this.sent.lastAt = now;
    this.socket.send(packet, to.port, to.address, (err) => {
      if (err) this.sent.errors++;
    });
  }
}

/** An address we can send to: not the unspecified 0.0.0.0 / :: and not port 0. */
function usable(t: MediaTarget | null): MediaTarget | null {
  if (t === null || t.port === 0 || t.address === '0.0.0.0' || t.address === '::') return null;
  return t;
}
