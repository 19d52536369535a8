import { isIP } from 'node:net';
import { Ipv4PrefixIndex } from '../net/ipv4-prefix-index.js';
import { parseIpv4, peerIpv4, prefixMask } from '../net/ipv4.js';
import type { Carrier, CarrierPlan, CarrierPlanSource } from './carrier-plan.js';

/** Why a call on the carrier side is a carrier's. */
export interface InboundCarrier {
  carrier: Carrier;
  /** Through its registration (the call is to the Contact vsip registered), not its source address. */
  registered: boolean;
}

/** Registered Contact users → carrier, as the registration client keeps them (only live bindings). */
export interface RegisteredContacts {
  carrierForContact(user: string): Carrier | null;
}

const NONE: RegisteredContacts = { carrierForContact: () => null };

/**
 * Who may call in on the carrier side: any carrier's source addresses (IPv4 CIDRs in a prefix index,
 * IPv6 addresses exactly), or a call to the Contact vsip registered with a carrier (its addresses
 * are whatever the carrier sends from). The index is rebuilt whole when the plan changes.
 */
export class CarrierSources {
  #v4 = new Ipv4PrefixIndex<Carrier>();
  #v6 = new Map<string, Carrier>();
  /** A carrier whose sources include `::/0` (a host-name `--carrier`: any address). */
  #anyV6: Carrier | undefined;
  readonly #unsubscribe: () => void;

  constructor(
    source: CarrierPlanSource,
    private readonly contacts: RegisteredContacts = NONE,
  ) {
    this.rebuild(source.current());
    this.#unsubscribe = source.onChange(() => this.rebuild(source.current()));
  }

  private rebuild(plan: CarrierPlan): void {
    const v4 = new Ipv4PrefixIndex<Carrier>();
    const v6 = new Map<string, Carrier>();
    let anyV6: Carrier | undefined;
    for (const c of plan.carriers.values()) {
      for (const cidr of c.sourceCidrs) {
        const [addr = '', len] = cidr.split('/');
        if (isIP(addr) === 6) {
          if (len === '0') anyV6 ??= c;
          else if (!v6.has(addr.toLowerCase())) v6.set(addr.toLowerCase(), c);
          continue;
        }
        const ip = parseIpv4(addr);
        const prefix = len === undefined ? 32 : Number(len);
        if (ip === null || !Number.isInteger(prefix) || prefix < 0 || prefix > 32) continue;
        v4.put(ip, prefixMask(prefix), c);
      }
    }
    this.#v4 = v4;
    this.#v6 = v6;
    this.#anyV6 = anyV6;
  }

  /** The carrier a call from `address` to Request-URI user `user` belongs to, or null (refused: unknown_carrier). */
  match(address: string, user: string | null): InboundCarrier | null {
    if (user !== null) {
      const carrier = this.contacts.carrierForContact(user);
      if (carrier !== null) return { carrier, registered: true };
    }
    const ip = peerIpv4(address);
    const carrier = ip === null ? (this.#v6.get(address.toLowerCase()) ?? this.#anyV6) : this.#v4.match(ip)[0];
    return carrier === undefined ? null : { carrier, registered: false };
  }

  close(): void {
    this.#unsubscribe();
  }
}
