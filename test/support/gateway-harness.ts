import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { loadConfig, type Config } from '../../src/config/config.js';
import { createLogger } from '../../src/logger.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/types.js';
import { startGateway, type Gateway, type GatewayTuning } from '../../src/gateway/gateway.js';
import type { SipProtocol, SipTarget } from '../../src/sip/transport/transport.js';
import type { CarrierPlanSource } from '../../src/carriers/carrier-plan.js';

export interface Harness {
  store: Store;
  config: Config;
  gateway: Gateway;
  metrics: Registry;
  accountSid: string;
  /** Access-side target for a protocol. */
  access(protocol?: SipProtocol): SipTarget;
  carrierSide(protocol?: SipProtocol): SipTarget;
  close(): Promise<void>;
}

export interface HarnessOptions {
  carrier?: string | null;
  tuning?: GatewayTuning;
  store?: Store;
  dataDir?: string;
  /** Extra serve flags (e.g. sipDigestAlgorithms). */
  flags?: Record<string, string>;
  /** Carriers and routes instead of `--carrier` / the simulator (tests build small in-memory plans). */
  carrierPlan?: CarrierPlanSource;
}

/**
 * A gateway on 127.0.0.1 with ports 0, a fresh SQLite store (or the one given) and one account.
 * Overload control by event-loop lag and utilisation is off unless `flags` turn it on: on a busy
 * machine the real loop crosses those marks and a test not about overload would get a 503; a test
 * of them sets the flags and drives the reading with `tuning.overloadSampler`.
 */
export async function startHarness(o: HarnessOptions = {}): Promise<Harness> {
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), 'vsip-gw-'));
  const config = loadConfig(
    {
      sipHost: '127.0.0.1',
      sipPort: 0,
      sipsPort: 0,
      carrierPort: 0,
      dataDir,
      logLevel: 'silent',
      sipDestinationTimeout: '1500',
      sipMaxLag: '0',
      sipMaxLoad: '0',
      ...(o.carrier ? { carrier: o.carrier } : {}),
      ...o.flags,
    },
    {},
  );
  const store = o.store ?? (await openStore({ databaseUrl: null, dataDir }));
  const { accountSid } = await store.createAccount('test');
  const metrics = new Registry();
  const gateway = await startGateway({
    store,
    config,
    logger: createLogger('silent'),
    metrics,
    tuning: { callLog: { flushIntervalMs: 20 }, ...o.tuning },
    ...(o.carrierPlan !== undefined ? { carrierPlan: o.carrierPlan } : {}),
  });
  const find = (side: string, protocol: SipProtocol): SipTarget => {
    const a = gateway.addresses.find((x) => x.side === side && x.protocol === protocol);
    if (a === undefined) throw new Error(`no ${side} ${protocol} listener`);
    return { protocol, address: '127.0.0.1', port: a.port };
  };
  return {
    store,
    config,
    gateway,
    metrics,
    accountSid,
    access: (p = 'udp') => find('access', p),
    carrierSide: (p = 'udp') => find('carrier', p),
    async close() {
      await gateway.close();
      if (o.store === undefined) await store.close();
      if (o.dataDir === undefined) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { waitFor } from './wait-for.js';
