/**
 * A tiny raw SIP client for hardening tests: sends bytes exactly as given (malformed on purpose)
 * over UDP or TCP and collects what comes back. No SIP stack on this side, so nothing is
 * "corrected" before it reaches the gateway.
 */
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
    return new Promise((resolve) =>
      this.socket.send(typeof data === 'string' ? Buffer.from(data) : data, to.port, to.address, () => resolve()),
    );
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

/**
 * One datagram from a fresh socket (so retransmitted answers to earlier requests cannot be mistaken for this one's).
 */
export async function udpOnce(
  data: Buffer | string | ((localPort: number) => string),
  to: Target,
  timeoutMs = 5000,
  from = '127.0.0.1',
): Promise<Buffer | null> {
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
export function tcpExchange(
  to: Target,
  data: Buffer | string | Array<Buffer | string>,
  timeoutMs = 1500,
  stopAfterHead = false,
): Promise<TcpResult> {
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

/** Resident set size of a process, KiB (Linux /proc). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (m === null) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]);
}
