import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { bdecode, bencode, type BValue } from './bencode.js';

export type NgDict = { [key: string]: BValue };

/** Why an ng command did not succeed: the engine did not answer, or answered `result: error`. */
export class NgError extends Error {
  override readonly name = 'NgError';
  constructor(
    readonly kind: 'timeout' | 'error' | 'closed',
    message: string,
  ) {
    super(message);
  }
}

export interface NgClientOptions {
  host: string;
  port: number;
  /** Total time for one command, retransmissions included (ms). */
  timeoutMs?: number;
  /** Interval between retransmissions of an unanswered command (ms). */
  retransmitMs?: number;
}

interface Pending {
  resolve(v: NgDict): void;
  reject(e: Error): void;
  packet: Buffer;
  retransmit: NodeJS.Timeout;
  deadline: NodeJS.Timeout;
}

/**
 * A client of one rtpengine's ng control protocol: `<cookie> <bencoded dictionary>` over UDP,
 * the reply carrying the same cookie. An unanswered command is sent again with the same cookie
 * (rtpengine caches replies by cookie, so a repeated `offer` is not applied twice) until the
 * deadline. Our own client rather than the `rtpengine-client` package: that one is 400 lines of
 * callbacks and WebSocket/TCP transports we do not use, with no per-command deadline; what we
 * need is a cookie map, a retransmit timer and a bounded bencode decoder.
 */
export class NgClient {
  readonly #socket: dgram.Socket;
  readonly #pending = new Map<string, Pending>();
  readonly #timeoutMs: number;
  readonly #retransmitMs: number;
  #closed = false;
  #bound: Promise<void>;

  constructor(readonly o: NgClientOptions) {
    this.#timeoutMs = o.timeoutMs ?? 2000;
    this.#retransmitMs = o.retransmitMs ?? 500;
    this.#socket = dgram.createSocket(o.host.includes(':') ? 'udp6' : 'udp4');
    this.#socket.on('message', (m) => this.#onMessage(m));
    this.#socket.on('error', () => {
      /* ICMP port unreachable and the like: the command's deadline reports it */
    });
    // exclusive: in a --sip-workers process a shared cluster handle would hand our replies to another worker.
    this.#bound = new Promise((r) => this.#socket.bind({ port: 0, exclusive: true }, r));
    this.#socket.unref();
  }

  get label(): string {
    return `udp:${this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host}:${this.o.port}`;
  }

  /** Sends one command (`{ command: 'offer', … }`) and resolves with the reply dictionary. */
  async command(message: NgDict): Promise<NgDict> {
    if (this.#closed) throw new NgError('closed', 'ng client closed');
    await this.#bound;
    const cookie = randomBytes(8).toString('hex');
    const packet = Buffer.concat([Buffer.from(`${cookie} `), bencode(message)]);
    return new Promise<NgDict>((resolve, reject) => {
      const send = (): void => {
        this.#socket.send(packet, this.o.port, this.o.host, () => {});
      };
      const p: Pending = {
        resolve,
        reject,
        packet,
        retransmit: setInterval(send, this.#retransmitMs),
        deadline: setTimeout(() => {
          this.#settle(cookie);
          reject(new NgError('timeout', `${this.label} did not answer ${String(message.command)}`));
        }, this.#timeoutMs),
      };
      this.#pending.set(cookie, p);
      send();
    });
  }

  #settle(cookie: string): Pending | undefined {
    const p = this.#pending.get(cookie);
    if (p === undefined) return undefined;
    this.#pending.delete(cookie);
    clearInterval(p.retransmit);
    clearTimeout(p.deadline);
    return p;
  }

  #onMessage(m: Buffer): void {
    const space = m.indexOf(0x20);
    if (space <= 0 || space > 64) return;
    const p = this.#settle(m.toString('latin1', 0, space));
    if (p === undefined) return; // a late reply to a command already given up on
    let reply: BValue;
    try {
      reply = bdecode(m, space + 1);
    } catch (err) {
      p.reject(new NgError('error', `${this.label} sent an unreadable reply: ${(err as Error).message}`));
      return;
    }
    if (typeof reply !== 'object' || Array.isArray(reply)) {
      p.reject(new NgError('error', `${this.label} sent a reply that is not a dictionary`));
      return;
    }
    if (reply.result === 'error') {
      p.reject(new NgError('error', `${this.label}: ${String(reply['error-reason'] ?? 'error')}`));
      return;
    }
    p.resolve(reply);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const cookie of [...this.#pending.keys()]) this.#settle(cookie)?.reject(new NgError('closed', 'closed'));
    this.#socket.close();
  }
}
