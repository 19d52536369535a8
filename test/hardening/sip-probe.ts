/**
 * A tiny raw SIP client for hardening tests: sends bytes exactly as given (malformed on purpose)
 * over UDP or TCP and collects what comes back. No SIP stack on this side, so nothing is
 * "corrected" before it reaches the gateway.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';

export interface Target {
  address: string;
  port: number;
}

/** Replies (raw datagrams) received on one UDP socket; `send` many, then `drain`. */
export class UdpProbe {
  readonly socket = dgram.createSocket('udp4');
  readonly replies: Buffer[] = [];
  #waiters: Array<() => void> = [];

  static async open(address = '127.0.0.1'): Promise<UdpProbe> {
    const p = new UdpProbe();
    await new Promise<void>((r) => p.socket.bind(0, address, () => r()));
    p.socket.on('message', (m) => {
      p.replies.push(m);
      for (const w of p.#waiters.splice(0)) w();
    });
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  send(data: Buffer | string, to: Target): Promise<void> {
    return new Promise((resolve) => this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, to.port, to.address, () => resolve()));
  }

  /** Waits for the next reply after `count` replies have arrived (or null after timeoutMs). */
  async next(count: number, timeoutMs: number): Promise<Buffer | null> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length <= count) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return this.replies[count] ?? null;
  }

  /** Sends one datagram and returns the first reply to it (or null: silence). */
  async exchange(data: Buffer | string, to: Target, timeoutMs = 5000): Promise<Buffer | null> {
    const seen = this.replies.length;
    await this.send(data, to);
    return this.next(seen, timeoutMs);
  }

  close(): void {
    this.socket.close();
  }
}

/** One datagram from a fresh socket (so retransmitted answers to earlier requests cannot be mistaken for this one's). */
export async function udpOnce(data: Buffer | string | ((localPort: number) => string), to: Target, timeoutMs = 5000, from = '127.0.0.1'): Promise<Buffer | null> {
  const p = await UdpProbe.open(from);
  try {
    return await p.exchange(typeof data === 'function' ? data(p.port) : data, to, timeoutMs);
  } finally {
    p.close();
  }
}

export interface TcpResult {
  data: Buffer;
  /** The server closed (or reset) the connection before the timeout. */
  closed: boolean;
}

/** Writes `data` (chunks in order) on a fresh TCP connection; collects until close or timeout. */
export function tcpExchange(to: Target, data: Buffer | string | Array<Buffer | string>, timeoutMs = 1500, stopAfterHead = false): Promise<TcpResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(to.port, to.address);
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (d) => {
      chunks.push(d);
      if (stopAfterHead && Buffer.concat(chunks).includes('\r\n\r\n')) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      for (const part of Array.isArray(data) ? data : [data]) {
        // The peer may close mid-write on purpose (header bombs): ignore EPIPE, the close is the answer.
        socket.write(typeof part === 'string' ? Buffer.from(part) : part, () => {});
      }
    });
  });
}

export const branch = (): string => `z9hG4bK${randomBytes(8).toString('hex')}`;
export const tag = (): string => randomBytes(4).toString('hex');

/** A valid request; `extra` header lines are added before Content-Length, body appended. */
export function request(opts: {
  method: string;
  uri: string;
  from?: string;
  to?: string;
  viaPort: number;
  viaHost?: string;
  transport?: 'UDP' | 'TCP';
  extra?: string[];
  body?: string;
  maxForwards?: number | null;
  cseq?: number;
  callId?: string;
}): string {
  const body = opts.body ?? '';
  const lines = [
    `${opts.method} ${opts.uri} SIP/2.0`,
    `Via: SIP/2.0/${opts.transport ?? 'UDP'} ${opts.viaHost ?? '127.0.0.1'}:${opts.viaPort};branch=${branch()};rport`,
    ...(opts.maxForwards === null ? [] : [`Max-Forwards: ${opts.maxForwards ?? 70}`]),
    `From: ${opts.from ?? '<sip:probe@127.0.0.1>'};tag=${tag()}`,
    `To: ${opts.to ?? `<${opts.uri}>`}`,
    `Call-ID: ${opts.callId ?? `${randomBytes(8).toString('hex')}@127.0.0.1`}`,
    `CSeq: ${opts.cseq ?? 1} ${opts.method}`,
    `Contact: <sip:probe@127.0.0.1:${opts.viaPort}>`,
    ...(opts.extra ?? []),
    ...(body === '' ? [] : ['Content-Type: application/sdp']),
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ];
  return lines.join('\r\n');
}

export const SDP = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0 8', 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');

/** Status code of a response, or null when the bytes are not a SIP response status line. */
export function statusOf(reply: Buffer | null): number | null {
  if (reply === null) return null;
  const m = /^SIP\/2\.0 (\d{3}) /.exec(reply.subarray(0, 64).toString('latin1'));
  return m === null ? null : Number(m[1]);
}

export function header(reply: Buffer, name: string): string | undefined {
  const re = new RegExp(`^${name}\\s*:\\s*(.*)$`, 'im');
  return re.exec(reply.toString('utf8'))?.[1]?.trim();
}

/** Resident set size of a process, KiB (Linux /proc). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}
