import { randomToken, type SipRequest, type SipResponse } from '../sip/index.js';
import type { Registration, Store } from '../store/types.js';
import { bindingTarget } from './origination.js';
import type { SipPort } from './sip-port.js';

export interface BindingKeepAliveOptions {
  /** The access side: pings leave from the port the PBX registered to (what its NAT lets in). */
  port: SipPort;
  store: Pick<Store, 'removeRegistration'>;
  /** Between two pings of one binding (ms). */
  intervalMs: number;
  /** A binding was dropped because its PBX stopped answering (for the log). */
  onDrop: (binding: Registration, why: string) => void;
  now?: () => number;
}

interface Tracked {
  binding: Registration;
  pinging: boolean;
}

/**
 * Keeps the path to each PBX registered at this node open and finds the dead ones: an OPTIONS
 * over the binding's flow every interval (RFC 3261 §11; for UDP the packets refresh the PBX's
 * NAT binding, for TCP/TLS they keep the connection from idling out, and a PBX that no longer
 * answers — no response by Timer F, or its connection gone — is dropped from the store (RFC 5626
 * §4.4: a flow that fails its keep-alive is not used). Any response, even 404 or 405, proves the
 * flow alive. Only bindings this node took are tracked: it holds their flows.
 */
export class BindingKeepAlive {
  readonly #tracked = new Map<string, Tracked>();
  #timer: NodeJS.Timeout | null = null;
  readonly #now: () => number;

  constructor(private readonly o: BindingKeepAliveOptions) {
    this.#now = o.now ?? Date.now;
  }

  get size(): number {
    return this.#tracked.size;
  }

  start(): void {
    if (this.o.intervalMs <= 0 || this.#timer !== null) return;
    this.#timer = setInterval(() => this.tick(), this.o.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  track(binding: Registration): void {
    const k = key(binding.trunkSid, binding.contact);
    const t = this.#tracked.get(k);
    if (t === undefined) this.#tracked.set(k, { binding, pinging: false });
    else t.binding = binding;
  }

  forget(trunkSid: string, contact: string): void {
    this.#tracked.delete(key(trunkSid, contact));
  }

  /** One round: expired bindings are forgotten, the others pinged (one ping in flight per binding). */
  tick(): void {
    const now = this.#now();
    for (const [k, t] of this.#tracked) {
      if (Date.parse(t.binding.expiresAt) <= now) {
        this.#tracked.delete(k);
        continue;
      }
      if (!t.pinging) this.#ping(k, t);
    }
  }

  #ping(k: string, t: Tracked): void {
    const b = t.binding;
    const target = bindingTarget(b);
    const host = this.o.port.advertise;
    const req: SipRequest = {
      kind: 'request',
      method: 'OPTIONS',
      uri: b.contact,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:keepalive@${host}>;tag=${randomToken()}` },
        { name: 'to', value: `<${b.contact}>` },
        { name: 'call-id', value: `${randomToken()}@${host}` },
        { name: 'cseq', value: '1 OPTIONS' },
      ],
      body: Buffer.alloc(0),
    };
    t.pinging = true;
    const dead = (why: string): void => {
      t.pinging = false;
      if (this.#tracked.get(k) !== t || t.binding !== b) return; // refreshed or removed meanwhile
      this.#tracked.delete(k);
      void this.o.store.removeRegistration(b.trunkSid, b.contact).then(
        () => this.o.onDrop(b, why),
        () => this.o.onDrop(b, `${why} (and removing it failed)`),
      );
    };
    try {
      this.o.port.sendRequest(req, target.target, {
        provisional: () => {},
        final: (_res: SipResponse) => {
          t.pinging = false;
        },
        timeout: () => dead('no answer to OPTIONS'),
        transportError: () => dead('its flow is gone (transport error)'),
      });
    } catch {
      dead('its flow is gone (transport error)');
    }
  }
}

function key(trunkSid: string, contact: string): string {
  return `${trunkSid}\n${contact}`;
}
