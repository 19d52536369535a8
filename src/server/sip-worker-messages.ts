import type { GatewayAddress } from '../gateway/gateway.js';

/**
 * What the `--sip-workers` primary and its workers say to each other over the cluster IPC
 * channel: small objects tagged `vsip`.
 */

/** The ports a worker's Via and Record-Route name over UDP (its own ports). */
export interface RoutePorts {
  access: number;
  carrier: number;
}

export type ToWorker =
  | { vsip: 'peers'; access: number[]; carrier: number[] }
  | { vsip: 'metrics'; id: number }
  | { vsip: 'end-call'; callId: string };

export type ToPrimary =
  | { vsip: 'ready'; addresses: GatewayAddress[]; routePorts: RoutePorts }
  | { vsip: 'failed'; error: { message: string; code?: string; port?: number; address?: string } }
  | { vsip: 'metrics'; id: number; json: unknown }
  | { vsip: 'foreign-bye'; callId: string };
