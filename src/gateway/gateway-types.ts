/**
 * What `startGateway` (gateway.ts) takes and gives: its dependencies, the knobs tests and benches
 * turn, and the running gateway's handle.
 */
import type { Registry } from 'prom-client';
import type { CarrierPlanSource } from '../carriers/carrier-plan.js';
import type { ProbeSettings } from '../carriers/carrier-prober.js';
import type { RegistrationSettings } from '../carriers/carrier-registrations.js';
import type { CarrierStatus } from '../carriers/carrier-status.js';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { MediaAnchor } from '../media/media-anchor.js';
import type { EngineAddress } from '../media/parse-engine-list.js';
import type { PstnSim } from '../pstn-sim/pstn-sim.js';
import type { SipProtocol, TimerConfig, UdpSteering } from '../sip/index.js';
import type { Store } from '../store/types.js';
import type { BindingLimits } from './binding-plan.js';
import type { CallLog, CallLogOptions } from './call-log.js';
import type { ConfigSnapshot } from './config-snapshot.js';
import type { LoopSampler } from './overload-guard.js';
import type { ProxyTimers } from './proxy-deps.js';

/** Knobs tests and benches turn; production uses the defaults. */
export interface GatewayTuning {
  proxy?: Partial<ProxyTimers>;
  sipTimers?: Partial<TimerConfig>;
  callLog?: CallLogOptions;
  /**
   * Failed digest attempts from one source within the window before it is blocked (default: --sip-auth-max-failures).
   */
  maxAuthFailures?: number;
  /** Event-loop lag sampling period of the overload guard (ms). */
  lagSampleMs?: number;
  /** Readings for the overload guard instead of this process's event loop (tests of overload control). */
  overloadSampler?: LoopSampler;
  /** Answered calls with no BYE after this long are closed in the call log as `expired` (default 6 h). */
  maxCallDurationMs?: number;
  /** PSTN simulator answer delay when embedded (ms). */
  simAnswerDelayMs?: number;
  /** Clock of the per-trunk calls-per-second windows (default `Date.now`; tests step it by hand). */
  trunkClock?: () => number;
  /** OPTIONS probing of carrier URIs (interval, timeout, thresholds); default DEFAULT_PROBE. */
  carrierProbe?: Partial<ProbeSettings>;
  /** Carrier registration retry back-off and timeout; default DEFAULT_REGISTRATION. */
  carrierRegistration?: Partial<RegistrationSettings>;
  /** Node registry heartbeat period (ms; default `NODE_HEARTBEAT_MS`). */
  nodeHeartbeatMs?: number;
  /** Registrar bounds (min/max/default expiry, contacts per trunk). */
  registrar?: Partial<BindingLimits>;
  /** Answered calls shorter than this are never one_way_audio / no_media (default 5 s). */
  mediaQuietMs?: number;
  /** How often answered calls' RTP is checked against --media-timeout (default a quarter of it, at least 1 s). */
  mediaCheckMs?: number;
  /** Overrides --media-timeout (ms). */
  mediaTimeoutMs?: number;
}

/** What a gateway running as one of `vsip serve --sip-workers` processes gets from the primary. */
export interface GatewayWorker {
  /** Steering of the shared UDP ports, one per side (their own-port tables differ). */
  udpSteering: { access: UdpSteering; carrier: UdpSteering };
  /**
   * A BYE relayed here for a call another worker holds (one that came over another TCP connection): tell the others.
   */
  onForeignBye(callId: string): void;
}

export interface GatewayDeps {
  store: Store;
  config: Config;
  logger: Logger;
  metrics: Registry;
  tuning?: GatewayTuning;
  worker?: GatewayWorker;
  /** Carriers and routes (the operator's store-backed plan); default: `--carrier` or the simulator as one carrier. */
  carrierPlan?: CarrierPlanSource;
  /**
   * The rtpengines anchoring media (`vsip serve` passes its local child's); null = signalling-only;
   * undefined = those of `--rtpengine`, else signalling-only.
   */
  mediaEngines?: readonly EngineAddress[] | null;
}

export interface GatewayAddress {
  side: 'access' | 'carrier' | 'pstn-sim';
  protocol: SipProtocol;
  address: string;
  port: number;
}

export interface Gateway {
  addresses: GatewayAddress[];
  /** Ports our Via and Record-Route name over UDP (a steered worker's own ports; else the listeners'). */
  routePorts: { access: number; carrier: number };
  /** The configuration snapshot (tests wait on `settled()`). */
  snapshot: ConfigSnapshot;
  callLog: CallLog;
  /** The embedded PSTN simulator, when no `--carrier` was given. */
  pstnSim: PstnSim | null;
  /** Carrier URIs' probe state and carrier registrations (operator API, metrics, doctor). */
  carriers: CarrierStatus;
  /** The media plane, null when signalling-only. */
  media: MediaAnchor | null;
  /** Closes the record of a call held here whose BYE another worker relayed (see GatewayWorker). */
  endCall(callId: string): void;
  close(): Promise<void>;
}
