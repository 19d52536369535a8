import type { DestinationUri, GatewayTrunk, Store } from '../store/types.js';
import { parseIpv4, prefixMask } from '../net/ipv4.js';
import { Ipv4PrefixIndex } from '../net/ipv4-prefix-index.js';

/** One trunk, pre-compiled for the per-call path. Immutable: a change replaces the whole object. */
export interface CompiledTrunk {
  readonly sid: string;
  readonly accountSid: string;
  readonly active: boolean;
  readonly authType: GatewayTrunk['trunk']['authType'];
  readonly sipPassword: string;
  readonly numbers: ReadonlySet<string>;
  /** Numbers in `mode: flow`: the call-routing webhook says where their calls go (flow-routing.ts). */
  readonly flowNumbers?: ReadonlySet<string>;
  /** Whitelisted ranges as uint32 network/mask pairs. */
  readonly ranges: ReadonlyArray<{ readonly network: number; readonly mask: number }>;
  /** Sorted by priority (lower first), each priority group listed together. */
  readonly destinations: readonly DestinationUri[];
  readonly externalAlias: string | null;
  readonly settings: Readonly<Record<string, string>>;
  /** Per-trunk limits from the API; null = the gateway default (`--sip-trunk-max-cps` / `--sip-trunk-max-calls`). */
  readonly maxCallsPerSecond: number | null;
  readonly maxConcurrentCalls: number | null;
  /** The account is suspended (operator API): its calls are refused with `account_suspended`. */
  readonly accountSuspended?: boolean;
  /** Whether the PBX may REGISTER; when it has, its live bindings are rung before the destination URIs. */
  readonly registrationEnabled: boolean;
  /** TLS signalling and SDES-SRTP media on the PBX leg (the trunk's secure_trunking). */
  readonly secureTrunking: boolean;
  /** Audio codecs the trunk allows (its `codecs` setting, upper-case encoding names). */
  readonly codecs: readonly string[];
  /** The region its origination calls should leave from (`edge_preference`), null: any. */
  readonly edgePreference?: string | null;
}

/** The spec's supported codecs: a trunk without a `codecs` setting allows these. */
export const DEFAULT_CODECS: readonly string[] = Object.freeze(['PCMU', 'PCMA', 'G729']);

export function compileTrunk(g: GatewayTrunk): CompiledTrunk {
  const ranges: Array<{ network: number; mask: number }> = [];
  for (const r of g.ips) {
    const ip = parseIpv4(r.ip);
    if (ip === null) continue; // IPv6 whitelists are not supported by the access side yet
    const mask = prefixMask(r.mask);
    ranges.push({ network: (ip & mask) >>> 0, mask });
  }
  const destinations = [...g.destinations].sort((a, b) => a.priority - b.priority || Number(a.id) - Number(b.id));
  const alias = g.settings.trunk_external_alias;
  return Object.freeze({
    sid: g.trunk.sid,
    accountSid: g.trunk.accountSid,
    active: g.trunk.status === 'active',
    authType: g.trunk.authType,
    sipPassword: g.sipPassword,
    numbers: new Set(g.numbers),
    flowNumbers: new Set(g.flowNumbers ?? []),
    ranges,
    destinations,
    externalAlias: alias !== undefined && alias !== '' ? alias : null,
    settings: g.settings,
    maxCallsPerSecond: g.trunk.maxCallsPerSecond,
    maxConcurrentCalls: g.trunk.maxConcurrentCalls,
    accountSuspended: g.accountSuspended === true,
    registrationEnabled: g.trunk.registrationEnabled,
    secureTrunking: g.trunk.secureTrunking === true,
    codecs: g.settings.codecs ? Object.freeze(g.settings.codecs.split(',')) : DEFAULT_CODECS,
    edgePreference: g.trunk.edgePreference,
  });
}

/** Whether `ip` (uint32; null or -1 when the source is not IPv4) falls in one of the trunk's whitelisted ranges. */
export function trunkAllowsIp(trunk: CompiledTrunk, ip: number | null): boolean {
  if (ip === null) return false;
  for (const r of trunk.ranges) if ((ip & r.mask) >>> 0 === r.network) return true;
  return false;
}

/**
 * The gateway's in-memory view of the configuration, indexed for O(1) look-ups so that no call
 * waits on SQL (DESIGN.md "Process model and scale"):
 * - number → trunk (numbers are globally unique in the store),
 * - account → trunks (Request-URI host `<account_sid>.<sip domain>`),
 * - source IP → trunks (`Ipv4PrefixIndex`: at most 33 Map probes however many ranges).
 *
 * Kept current by `store.onChange`: each event re-loads only that trunk; a trunk that no longer
 * exists is dropped at once, before the reload resolves, so a deleted trunk carries no new call.
 */
export class ConfigSnapshot {
  private readonly trunks = new Map<string, CompiledTrunk>();
  private readonly byNumber = new Map<string, CompiledTrunk>();
  private readonly byAccount = new Map<string, Set<CompiledTrunk>>();
  private readonly byRange = new Ipv4PrefixIndex<CompiledTrunk>();
  /** Per trunk: a counter so an older reload resolving late cannot overwrite a newer one. */
  private readonly generation = new Map<string, number>();
  private unsubscribe: (() => void) | null = null;
  private unsubscribeResync: (() => void) | null = null;
  private pending = new Set<Promise<void>>();

  constructor(
    private readonly store: Pick<Store, 'loadGatewayTrunks' | 'loadGatewayTrunk' | 'onChange' | 'onResync'>,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Subscribes first, then loads everything, so no change made during the load is missed. */
  async start(): Promise<void> {
    this.unsubscribe = this.store.onChange((event) => {
      if (event.kind === 'trunk') this.refreshTrunk(event.trunkSid);
      else if (event.kind === 'account') this.refreshAccount(event.accountSid);
    });
    // PostgreSQL: NOTIFYs sent while the LISTEN connection was down are lost; reload everything.
    this.unsubscribeResync =
      this.store.onResync?.(() => void this.reloadAll().catch((err: unknown) => this.onError(err))) ?? null;
    const all = await this.store.loadGatewayTrunks();
    for (const g of all) if (!this.generation.has(g.trunk.sid)) this.put(compileTrunk(g));
  }

  /** Replaces the whole snapshot from the store (after a lost-notification resync). */
  async reloadAll(): Promise<void> {
    const all = await this.store.loadGatewayTrunks();
    const seen = new Set<string>();
    for (const g of all) {
      seen.add(g.trunk.sid);
      this.generation.set(g.trunk.sid, (this.generation.get(g.trunk.sid) ?? 0) + 1);
      this.apply(g.trunk.sid, compileTrunk(g));
    }
    for (const sid of [...this.trunks.keys()]) if (!seen.has(sid)) this.apply(sid, null);
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.unsubscribeResync?.();
    this.unsubscribeResync = null;
  }

  /** Resolves when every reload started so far has been applied (for tests and shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  get size(): number {
    return this.trunks.size;
  }

  getTrunk(sid: string): CompiledTrunk | undefined {
    return this.trunks.get(sid);
  }

  trunkForNumber(e164: string): CompiledTrunk | undefined {
    return this.byNumber.get(e164);
  }

  trunksOfAccount(accountSid: string): ReadonlySet<CompiledTrunk> | undefined {
    return this.byAccount.get(accountSid);
  }

  /** Every trunk whitelisting `ip` (uint32), most specific range first. Allocates only on a hit. */
  trunksForIp(ip: number | null): CompiledTrunk[] {
    return ip === null ? [] : this.byRange.match(ip);
  }

  /** Replaces (or removes, when null) one trunk. Exposed for bulk tests and benches. */
  apply(sid: string, next: CompiledTrunk | null): void {
    this.remove(sid);
    if (next !== null) this.put(next);
  }

  refreshTrunk(sid: string): void {
    const gen = (this.generation.get(sid) ?? 0) + 1;
    this.generation.set(sid, gen);
    const p = this.store
      .loadGatewayTrunk(sid)
      .then((g) => {
        if (this.generation.get(sid) !== gen) return; // a newer reload is in flight
        this.apply(sid, g === null ? null : compileTrunk(g));
      })
      .catch((err: unknown) => this.onError(err))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private refreshAccount(accountSid: string): void {
    const known = this.byAccount.get(accountSid);
    if (known !== undefined) for (const t of [...known]) this.refreshTrunk(t.sid);
    // Trunks of the account we do not know yet arrive through their own 'trunk' events.
  }

  private put(t: CompiledTrunk): void {
    this.trunks.set(t.sid, t);
    for (const n of t.numbers) this.byNumber.set(n, t);
    let acc = this.byAccount.get(t.accountSid);
    if (acc === undefined) {
      acc = new Set();
      this.byAccount.set(t.accountSid, acc);
    }
    acc.add(t);
    for (const r of t.ranges) this.byRange.put(r.network, r.mask, t);
  }

  private remove(sid: string): void {
    const t = this.trunks.get(sid);
    if (t === undefined) return;
    this.trunks.delete(sid);
    for (const n of t.numbers) if (this.byNumber.get(n) === t) this.byNumber.delete(n);
    const acc = this.byAccount.get(t.accountSid);
    acc?.delete(t);
    if (acc?.size === 0) this.byAccount.delete(t.accountSid);
    for (const r of t.ranges) this.byRange.remove(r.network, r.mask, t);
  }
}
