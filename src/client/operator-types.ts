/** The operator API's wire types (snake_case, as the API answers). */

export interface OperatorAccount {
  account_sid: string;
  name: string;
  api_key: string;
  status: 'active' | 'suspended';
  date_created: string;
}

/** Answered by create and rotate only: the one time the API token is shown. */
export interface OperatorAccountCredentials {
  account_sid: string;
  api_key: string;
  api_token: string;
}

export interface CarrierUriInput {
  uri: string;
  priority?: number;
  weight?: number;
}

export interface CarrierInput {
  name?: string;
  uris?: CarrierUriInput[];
  /** `password` is required on create; on update, leave it out to keep the stored one. */
  credentials?: { username: string; password?: string; auth_username?: string | null; realm?: string | null } | null;
  registration?: { registrar_uri: string; expires?: number; contact_user?: string } | null;
  source_cidrs?: string[];
  codecs?: Array<'PCMU' | 'PCMA' | 'G729'>;
  max_calls_per_second?: number | null;
  max_concurrent_calls?: number | null;
  probe?: boolean;
  srtp?: boolean;
}

export interface CarrierInfo {
  carrier_sid: string;
  name: string;
  uris: Array<{ id: string; uri: string; priority: number; weight: number }>;
  credentials: { username: string; auth_username: string | null; realm: string | null; password_set: boolean } | null;
  registration: { registrar_uri: string; expires: number; contact_user: string } | null;
  source_cidrs: string[];
  codecs: string[];
  max_calls_per_second: number | null;
  max_concurrent_calls: number | null;
  probe: boolean;
  srtp: boolean;
  date_created: string;
  date_updated: string;
}

export interface CarrierRouteInput {
  prefix?: string;
  carriers?: Array<{ carrier_sid: string; priority?: number; weight?: number }>;
}

export interface CarrierRouteInfo {
  route_sid: string;
  prefix: string;
  carriers: Array<{ carrier_sid: string; priority: number; weight: number }>;
  date_created: string;
  date_updated: string;
}

/** `GET /v2/operator/carriers/{sid}/status`: this node's view (each SIP node probes and registers itself). */
export interface CarrierStatusInfo {
  carrier_sid: string;
  name: string;
  /** none: the answering process runs no gateway (`--role api`, `--sip-workers`). */
  gateway: 'this_process' | 'none';
  uris: Array<{
    id: string;
    uri: string;
    state: 'up' | 'down' | 'held' | 'not_probed';
    last_result: number | 'timeout' | 'transport' | null;
    last_probe_at: string | null;
    held_until: string | null;
  }>;
  registration: {
    registrar_uri: string;
    state: 'registering' | 'registered' | 'failing';
    last_result: number | 'timeout' | 'transport' | null;
    expires_at: string | null;
    next_attempt_at: string | null;
    contact: string;
  } | null;
}
