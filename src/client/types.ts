/**
 * The vSIP API's data as it travels on the wire (snake_case, as the spec's examples show).
 *
 * The SDK hands these objects back unchanged, so `vsip … --json` prints exactly what the API
 * answered and a script written against curl keeps working against the SDK.
 */

export interface ApiErrorData {
  code: number;
  message: string;
  description: string;
}

/** `metadata` of a paged list. @see DESIGN.md "API conventions" */
export interface PageMetadata {
  page_size?: number;
  offset?: number;
  total?: number;
  first_page_uri?: string | null;
  prev_page_uri?: string | null;
  next_page_uri?: string | null;
  [key: string]: unknown;
}

export interface ApiEnvelope<T> {
  request_id: string;
  method: string;
  http_code: number;
  response: {
    code: number;
    status: 'success' | 'failure' | string;
    error_data: ApiErrorData | null;
    data: T;
    metadata?: PageMetadata;
  };
}

/** One page of a list endpoint. */
export interface Page<T> {
  items: T[];
  metadata: PageMetadata;
}

export interface PageOptions {
  offset?: number;
  pageSize?: number;
}

export interface Trunk {
  trunk_sid: string;
  trunk_name: string;
  domain_name: string;
  nso_code: string;
  status?: string;
  auth_type?: string;
  registration_enabled?: boolean;
  edge_preference?: string | null;
  secure_trunking?: boolean;
  date_created: string;
  date_updated?: string;
  [key: string]: unknown;
}

export interface NewTrunkInput {
  trunk_name: string;
  /** Defaults to `ANY-ANY`, the value the spec says to use. */
  nso_code?: string;
  /** Defaults to `<account_sid>.pstn.exotel.com`. */
  domain_name?: string;
  [key: string]: unknown;
}

export type TrunkUpdateInput = Partial<Omit<Trunk, 'trunk_sid' | 'date_created' | 'date_updated'>>;

export interface PhoneNumber {
  id: string;
  phone_number: string;
  mode?: 'pstn' | 'flow' | string;
  date_created?: string;
  date_updated?: string;
  [key: string]: unknown;
}

export interface WhitelistedIp {
  id: string;
  ip: string;
  mask: number;
  date_created?: string;
  date_updated?: string;
  [key: string]: unknown;
}

export interface DestinationUri {
  id: string;
  destination: string;
  priority?: number;
  weight?: number;
  date_created?: string;
  date_updated?: string;
  [key: string]: unknown;
}

export interface DestinationInput {
  destination: string;
  priority?: number;
  weight?: number;
}

export interface Credentials {
  username: string;
  password: string;
  [key: string]: unknown;
}

export interface TrunkSetting {
  name: string;
  value: string;
  date_created?: string;
  date_updated?: string;
  [key: string]: unknown;
}

export interface CallRecord {
  id: string;
  call_id: string;
  /** Absent in a trunk's call log (the trunk is in the path). */
  trunk_sid?: string | null;
  direction: 'termination' | 'origination' | string;
  caller: string | null;
  callee: string | null;
  source_ip: string;
  source_port?: number;
  transport: string;
  final_code: number | null;
  cause: string | null;
  destination?: string | null;
  started_at: string;
  answered_at?: string | null;
  ended_at?: string | null;
  duration_ms?: number | null;
  /** A mode: flow number's call: what the call-routing webhook answered, or why vsip fell back. */
  flow_note?: string | null;
  [key: string]: unknown;
}

export interface CallQueryOptions extends PageOptions {
  result?: 'failed' | 'completed' | 'all';
  callId?: string;
}

/** Filters of account-wide call records (CDRs) and their exports. */
export interface CdrFilterOptions {
  /** ISO-8601, inclusive. */
  from?: string;
  /** ISO-8601, exclusive. */
  to?: string;
  direction?: 'termination' | 'origination';
  result?: 'failed' | 'completed' | 'all';
  cause?: string;
  /** E.164: the caller or the callee. */
  number?: string;
  callId?: string;
  trunkSid?: string;
}

export interface CdrPage {
  items: CallRecord[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export interface Health {
  status?: string;
  version?: string;
  store?: string;
  /** What the answering process runs (`vsip serve --role`). */
  role?: 'api' | 'sip' | 'all';
  /** The media plane: `anchored` through rtpengine, or `signalling-only` with the reason. */
  media?: {
    mode: 'anchored' | 'signalling-only';
    engines: string[];
    local: boolean;
    rtpPorts: string | null;
    reason: string | null;
  } | null;
  /** Its SIP listeners: `access` is where PBXs register and send calls. */
  sip?: Array<{
    side: 'access' | 'carrier' | 'pstn-sim';
    protocol: 'udp' | 'tcp' | 'tls';
    address: string;
    port: number;
  }>;
  [key: string]: unknown;
}

/** Per-item outcome of a bulk POST (destinations, settings); 207 when some failed. */
export interface BulkResult<T> {
  items: T[];
  errors: ApiErrorData[];
  /** The API's `data` as sent, for `--json`. */
  raw: unknown;
}

/** The subset of `fetch` the SDK uses, so tests and other runtimes can pass their own. */
export type FetchLike = (
  input: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
    signal?: AbortSignal;
  },
) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

/** A PBX contact registered on a trunk (`GET …/trunks/{trunk_sid}/registrations`). */
export interface Registration {
  contact: string;
  /** Where the REGISTER came from: inbound calls are sent there (not to the Contact's host). */
  received_ip: string;
  received_port: number;
  transport: 'udp' | 'tcp' | 'tls' | string;
  user_agent: string | null;
  registered_at: string | null;
  expires_at: string;
  expires_in: number;
  node: string | null;
}

/** One region of `GET /gateways`: what a customer's firewall must allow there. */
export interface GatewayRegion {
  region: string;
  api_url: string | null;
  signalling: Array<{ transport: string; address: string; port: number }>;
  rtp_ports: string[];
  nodes: number;
}
