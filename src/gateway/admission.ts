/**
 * The gateway's admission guards, built from configuration: digest authentication with its
 * failure budget, per-trunk limits, overload control and pike (per-source flood blocking), with
 * their metrics. `gateway.ts` wires them in front of the transaction users; what each refuses and
 * with which response is in the guard's own file.
 */
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import { peerIpv4 } from '../net/ipv4.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import { DigestGuard } from './digest-guard.js';
import type { GatewayMetrics } from './gateway-metrics.js';
import type { GatewayTuning } from './gateway-types.js';
import { registerLimitMetrics } from './limit-metrics.js';
import { OverloadGuard } from './overload-guard.js';
import { Pike } from './pike.js';
import type { SipPort } from './sip-port.js';
import { TrunkLimits } from './trunk-limits.js';

export interface AdmissionDeps {
  config: Config;
  log: Logger;
  tuning: GatewayTuning;
  /** The store-wide nonce secret, so every node verifies every other node's nonces. */
  digestSecret: string;
  snapshot: ConfigSnapshot;
  ports: readonly SipPort[];
  metrics: GatewayMetrics;
  registry: Registry;
  dialogs: () => number;
  callLogBuffered: () => number;
  activeTransactions: () => number;
  /** Where the overload sampler's stop is registered. */
  closers: Array<() => Promise<void>>;
}

export interface Admission {
  guard: DigestGuard;
  trunkLimits: TrunkLimits;
  overload: OverloadGuard;
  /** Pike for one request from the access side; a block is logged at most once a second. */
  pikeAllows(address: string): boolean;
}

export function startAdmission(deps: AdmissionDeps): Admission {
  const { config, log, tuning, digestSecret, snapshot, ports } = deps;
  const algorithms = config.sipDigestAlgorithms.split(',') as Array<'MD5' | 'SHA-256'>;
  const guard = new DigestGuard({
    realm: config.realm,
    algorithms,
    secret: digestSecret,
    maxFailures: tuning.maxAuthFailures ?? config.sipAuthMaxFailures,
    windowMs: config.sipAuthWindowSeconds * 1000,
    blockMs: config.sipAuthBlockSeconds * 1000,
    onBlock: (source, failures) =>
      log.warn(
        { source, failures, blockSeconds: config.sipAuthBlockSeconds },
        'SIP source blocked after repeated digest failures',
      ),
  });
  const trunkLimits = new TrunkLimits({
    defaultCps: config.sipTrunkMaxCps,
    defaultConcurrent: config.sipTrunkMaxCalls,
    ...(tuning.trunkClock !== undefined ? { now: tuning.trunkClock } : {}),
  });
  const overload = new OverloadGuard({
    maxCalls: config.sipMaxCalls,
    maxTransactions: config.sipMaxTransactions,
    maxLagMs: config.sipMaxLag,
    targetLoad: config.sipMaxLoad / 100,
    messagesIn: () => {
      let n = 0;
      for (const p of ports) n += p.counters.messagesIn.udp + p.counters.messagesIn.tcp + p.counters.messagesIn.tls;
      return n;
    },
    retryAfterSeconds: config.sipRetryAfter,
    activeCalls: () => deps.metrics.activeCount,
    activeTransactions: deps.activeTransactions,
    ...(tuning.lagSampleMs !== undefined ? { sampleMs: tuning.lagSampleMs } : {}),
    ...(tuning.overloadSampler !== undefined ? { sampler: tuning.overloadSampler } : {}),
  });
  overload.start();
  deps.closers.push(async () => overload.stop());
  // A PBX whitelisted on a trunk is exempt: its load is bounded by the trunk's own limits.
  const pike = new Pike({
    rate: config.sipPikeRate,
    blockMs: config.sipPikeBlockSeconds * 1000,
    maxSources: config.sipPikeMaxSources,
    exempt: (ip) => snapshot.trunksForIp(peerIpv4(ip)).some((t) => t.active),
  });
  registerLimitMetrics(deps.registry, {
    overload,
    pike,
    guard,
    trunkLimits,
    dialogs: deps.dialogs,
    callLogBuffered: deps.callLogBuffered,
  });
  let lastPikeLog = 0;
  let lastPikeBlocks = 0;
  /** Pike for one request from the access side; a block is logged at most once a second. */
  const pikeAllows = (address: string): boolean => {
    if (pike.allow(address)) return true;
    // At most one line a second: a spoofed-source flood must not turn into a log flood.
    const now = Date.now();
    if (pike.blocks !== lastPikeBlocks && now - lastPikeLog >= 1000) {
      log.warn(
        {
          source: address,
          rate: config.sipPikeRate,
          blockSeconds: config.sipPikeBlockSeconds,
          blockedSinceLastLine: pike.blocks - lastPikeBlocks,
        },
        'SIP source blocked for flooding',
      );
      lastPikeBlocks = pike.blocks;
      lastPikeLog = now;
    }
    return false;
  };
  return { guard, trunkLimits, overload, pikeAllows };
}
