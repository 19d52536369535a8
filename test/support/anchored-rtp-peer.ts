import dgram from 'node:dgram';

/** Where an SDP says to send RTP: the first audio m= line's port and the c= address in force for it. */
export function sdpTarget(sdp: string): { address: string; port: number } {
  const m = /^m=audio (\d+) /m.exec(sdp);
  if (m === null) throw new Error(`no audio m= line in\n${sdp}`);
  const after = sdp.slice(m.index);
  const c = /^c=IN IP4 (\S+)/m.exec(after) ?? /^c=IN IP4 (\S+)/m.exec(sdp);
  if (c === null) throw new Error(`no c= line in\n${sdp}`);
  return { address: c[1] as string, port: Number(m[1]) };
}

/**
 * A party's RTP endpoint: a UDP socket that sends PCMU packets (RFC 3551: payload type 0, 160
 * samples every 20 ms, so 50 packets a second) and counts what it receives and from where.
 */
export class RtpPeer {
  readonly socket = dgram.createSocket('udp4');
  received = 0;
  sent = 0;
  /** Payload type of the packets sent (RFC 3551: 0 PCMU, 8 PCMA). */
  payloadType = 0;
  readonly sources = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #seq = 0;
  readonly ssrc = (Math.random() * 0xffffffff) >>> 0;

  static async open(host = '127.0.0.1'): Promise<RtpPeer> {
    const p = new RtpPeer();
    await new Promise<void>((r) => p.socket.bind(0, host, () => r()));
    p.socket.on('message', (m, from) => {
      if (m.length < 12 || m[0] !== 0x80) return;
      p.received++;
      p.sources.add(`${from.address}:${from.port}`);
    });
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  /**
   * SDP for this peer. `address` is what is written in c= (a NATed PBX writes a private one),
   * `port` the port written in m= (default: the real one).
   */
  sdp(o: { address?: string; port?: number; proto?: string; codecs?: string; extra?: string[] } = {}): string {
    const address = o.address ?? '127.0.0.1';
    return [
      'v=0',
      `o=peer 1 1 IN IP4 ${address}`,
      's=-',
      `c=IN IP4 ${address}`,
      't=0 0',
      `m=audio ${o.port ?? this.port} ${o.proto ?? 'RTP/AVP'} ${o.codecs ?? '0 101'}`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      ...(o.extra ?? []),
      '',
    ].join('\r\n');
  }

  /** One packet now (sequence and timestamp advance as a 20 ms PCMU frame). */
  sendOne(to: { address: string; port: number }): void {
    const pkt = Buffer.alloc(12 + 160, 0xff);
    pkt[0] = 0x80;
    pkt[1] = this.payloadType;
    pkt.writeUInt16BE(this.#seq & 0xffff, 2);
    pkt.writeUInt32BE((this.#seq * 160) >>> 0, 4);
    pkt.writeUInt32BE(this.ssrc, 8);
    this.#seq++;
    this.sent++;
    this.socket.send(pkt, to.port, to.address);
  }

  /** A packet lost on the way: its sequence number and timestamp are used, nothing is sent. */
  lose(): void {
    this.#seq++;
  }

  /** 50 packets a second to `to` until `stop()`. */
  start(to: { address: string; port: number }, pps = 50): void {
    this.stop();
    this.#timer = setInterval(() => this.sendOne(to), 1000 / pps);
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  close(): void {
    this.stop();
    this.socket.close();
  }
}
