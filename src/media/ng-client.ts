import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { bdecode, encodeText, type BValue } from './bencode.js';

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
  /**
   * A batch of commands leaves no sooner than this after the previous one (ms); 0 sends each
   * event-loop turn's commands at once. See `#queue`.
   */
  coalesceMs?: number;
}

/**
 * Waking an idle engine is most of what a command costs the sender: on the 2-core VM of
 * bench/RESULTS.md a lone `sendmsg` to rtpengine cost 68–110 µs of our CPU, one of eight sent
 * together 15–22 µs (bench/media/ng-batch-cost.ts). Commands that come within 2 ms of a batch
 * wait for the next one, so under load the engine is woken once per batch, at the price of at
 * most 2 ms more per command (a call's set-up waits for two commands); an idle gateway sends at once.
 */
const DEFAULT_COALESCE_MS = 2;

/** Replies that arrive while the event loop is busy wait here instead of being dropped (then retransmitted). */
const RECV_BUFFER_BYTES = 4 * 1024 * 1024;

interface Pending {
  resolve(v: NgDict): void;
  reject(e: Error): void;
  /** Retransmits the command, and at the deadline gives up on it: one timer per command. */
  timer: NodeJS.Timeout;
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
  /** Datagrams waiting for their batch to leave (see `#queue`). */
  #outbox: Buffer[] = [];
  #closed = false;
  readonly #coalesceMs: number;
  /** When the last batch left (performance.now()). */
  #lastFlush = Number.NEGATIVE_INFINITY;
  #connected = false;
  /** Bound (and connected, when the name resolved): commands go straight out. */
  #ready = false;
  #bound: Promise<void>;

  constructor(readonly o: NgClientOptions) {
    this.#timeoutMs = o.timeoutMs ?? 2000;
    this.#retransmitMs = o.retransmitMs ?? 500;
    this.#coalesceMs = o.coalesceMs ?? DEFAULT_COALESCE_MS;
    this.#socket = dgram.createSocket({
      type: o.host.includes(':') ? 'udp6' : 'udp4',
      recvBufferSize: RECV_BUFFER_BYTES,
    });
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
          this.#ready = true;
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
  command(message: NgDict): Promise<NgDict> {
    if (this.#closed) return Promise.reject(new NgError('closed', 'ng client closed'));
    if (!this.#ready) return this.#bound.then(() => this.command(message));
    const cookie = `${this.#cookiePrefix}${(this.#cookieSeq++).toString(36)}`;
    const packet = Buffer.from(`${cookie} ${encodeText(message)}`, 'utf8');
    return new Promise<NgDict>((resolve, reject) => {
      const started = performance.now();
      const fire = (): void => {
        const left = this.#timeoutMs - (performance.now() - started);
        // Within a millisecond of the deadline is the deadline (a timer can fire a little early).
        if (left <= 1) {
          this.#settle(cookie);
          reject(new NgError('timeout', `${this.label} did not answer ${String(message.command)}`));
          return;
        }
        this.#queue(packet);
        p.timer = setTimeout(fire, Math.min(this.#retransmitMs, left));
      };
      const p: Pending = { resolve, reject, timer: setTimeout(fire, Math.min(this.#retransmitMs, this.#timeoutMs)) };
      this.#pending.set(cookie, p);
      this.#queue(packet);
    });
  }

  /**
   * Commands leave together, as SIP datagrams do (`src/sip/transport/udp.ts`): the `sendmsg` that
   * wakes a sleeping engine costs far more than the next ones, so a batch wakes it once. A batch
   * leaves when the event-loop turn that started it is over, or `coalesceMs` after the previous
   * batch if that was more recent: idle, nothing waits; under load, a batch holds what came in
   * the last milliseconds.
   */
  #queue(packet: Buffer): void {
    this.#outbox.push(packet);
    if (this.#outbox.length !== 1) return;
    const wait = this.#lastFlush + this.#coalesceMs - performance.now();
    if (wait > 0) setTimeout(() => this.#flush(), wait);
    else setImmediate(() => this.#flush());
  }

  #flush(): void {
    const out = this.#outbox;
    this.#outbox = [];
    this.#lastFlush = performance.now();
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
    clearTimeout(p.timer);
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
