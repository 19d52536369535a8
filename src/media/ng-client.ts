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
  /** Cookies are this client's random prefix and a counter: unique without a random draw per command. */
  readonly #cookiePrefix = randomBytes(6).toString('hex');
  #cookieSeq = 0;
  /** Datagrams waiting for the end of the event-loop turn (see `#queue`). */
  #outbox: Buffer[] = [];
  #closed = false;
  #connected = false;
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
    // Connected to the engine: a send names no address (no per-datagram look-up) and only the engine's replies
    // are received.
    this.#bound = new Promise<void>((resolve) =>
      this.#socket.bind({ port: 0, exclusive: true }, () => {
        if (this.#closed) return resolve();
        this.#socket.connect(this.o.port, this.o.host, (err?: Error) => {
          // A name that does not resolve now: each send looks it up again and fails to its deadline.
          this.#connected = !err;
          resolve();
        });
      }),
    );
    this.#socket.unref();
  }

  get label(): string {
    return `udp:${this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host}:${this.o.port}`;
  }

  /** Sends one command (`{ command: 'offer', … }`) and resolves with the reply dictionary. */
  async command(message: NgDict): Promise<NgDict> {
    if (this.#closed) throw new NgError('closed', 'ng client closed');
    await this.#bound;
    if (this.#closed) throw new NgError('closed', 'ng client closed');
    const cookie = `${this.#cookiePrefix}${(this.#cookieSeq++).toString(36)}`;
    const packet = Buffer.concat([Buffer.from(`${cookie} `), bencode(message)]);
    return new Promise<NgDict>((resolve, reject) => {
      const p: Pending = {
        resolve,
        reject,
        packet,
        retransmit: setInterval(() => this.#queue(packet), this.#retransmitMs),
        deadline: setTimeout(() => {
          this.#settle(cookie);
          reject(new NgError('timeout', `${this.label} did not answer ${String(message.command)}`));
        }, this.#timeoutMs),
      };
      this.#pending.set(cookie, p);
      this.#queue(packet);
    });
  }

  /**
   * Commands leave together once the event-loop turn that made them is over, as SIP datagrams do
   * (`src/sip/transport/udp.ts`): the `sendmsg` that wakes a sleeping engine costs far more than
   * the next ones, so a turn's commands wake it once. Idle, a turn holds one and nothing waits.
   */
  #queue(packet: Buffer): void {
    this.#outbox.push(packet);
    if (this.#outbox.length === 1) setImmediate(() => this.#flush());
  }

  #flush(): void {
    const out = this.#outbox;
    this.#outbox = [];
    if (this.#closed) return;
    for (const packet of out) {
      try {
        if (this.#connected) this.#socket.send(packet, () => {});
        else this.#socket.send(packet, this.o.port, this.o.host, () => {});
      } catch {
        /* the socket went away: the command's deadline reports it */
      }
    }
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
