/**
 * Kysely table types: the database as the SQL sees it (snake_case, booleans as 0/1 integers,
 * timestamps as ISO-8601 text). Row mappers (`row-mappers.ts`) turn rows into the contract's
 * camelCase records, so nothing outside `src/store` sees these shapes.
 *
 * Ids are `bigserial` on PostgreSQL (which `pg` returns as strings) and `integer` on SQLite
 * (numbers), hence `number | string`; the contract exposes them as numeric strings anyway.
 */
import type { Generated } from 'kysely';

export type DbId = Generated<number | string>;

export interface AccountsTable {
  sid: string;
  name: string;
  api_key: string;
  /** SHA-256 of the API token, hex. */
  token_hash: string;
  created_at: string;
  /** Migration 0004: 'active' | 'suspended'. */
  status: Generated<string>;
}

export interface TrunksTable {
  /** Insertion order, for stable paging; `sid` is the public key. */
  id: DbId;
  sid: string;
  account_sid: string;
  name: string;
  nso_code: string;
  domain_name: string;
  status: string;
  auth_type: string;
  registration_enabled: number;
  edge_preference: string | null;
  secure_trunking: number;
  max_cps: number | null;
  max_concurrent: number | null;
  /** AES-256-GCM envelope, see `secrets/secret-box.ts`. */
  sip_password_enc: string;
  created_at: string;
  updated_at: string;
}

export interface PhoneNumbersTable {
  id: DbId;
  trunk_sid: string;
  phone_number: string;
  mode: string;
  created_at: string;
  updated_at: string;
}

export interface WhitelistedIpsTable {
  id: DbId;
  trunk_sid: string;
  ip: string;
  mask: number;
  created_at: string;
  updated_at: string;
}

export interface DestinationUrisTable {
  id: DbId;
  trunk_sid: string;
  destination: string;
  host: string;
  port: number;
  transport: string;
  priority: number;
  weight: number;
  created_at: string;
  updated_at: string;
}

export interface TrunkSettingsTable {
  trunk_sid: string;
  name: string;
  value: string;
  created_at: string;
  updated_at: string;
}

export interface RegistrationsTable {
  trunk_sid: string;
  contact: string;
  source_ip: string;
  source_port: number;
  transport: string;
  user_agent: string | null;
  expires_at: string;
  /** Migration 0006: the TCP/TLS connection (flow) the REGISTER came over, the node holding it. */
  connection_id: string | null;
  node_id: string | null;
  registered_at: string | null;
}

export interface CallsTable {
  id: DbId;
  call_id: string;
  account_sid: string | null;
  trunk_sid: string | null;
  direction: string;
  caller: string | null;
  callee: string | null;
  source_ip: string;
  source_port: number;
  transport: string;
  final_code: number | null;
  cause: string | null;
  destination: string | null;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  /** Migration 0005. */
  carrier: string | null;
  carrier_attempts: string | null;
  /** JSON of MediaFacts (migration 0003). */
  media: string | null;
  /** What the call-routing webhook did for a flow-mode number (migration 0012). */
  flow_note?: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** SQLite only (migration 0002): committed change events, read by the other processes on the file. */
export interface ChangeLogTable {
  id: Generated<number>;
  origin: string;
  event: string;
  created_at: number;
}

/** Migration 0007: account-level settings as name/value rows. */
export interface AccountSettingsTable {
  account_sid: string;
  name: string;
  value: string;
  updated_at: string;
}

/** Migration 0010: POST answers kept by Idempotency-Key. */
export interface IdempotencyKeysTable {
  account_sid: string;
  key: string;
  fingerprint: string;
  state: string;
  status: number | null;
  body: string | null;
  created_ms: number | string;
}

/** Migration 0004: operator credentials, hashed like API tokens. */
export interface OperatorTokensTable {
  id: DbId;
  token_hash: string;
  label: string;
  created_at: string;
}

/** Migration 0004: upstream carriers (see `src/carriers/carrier-plan.ts`). */
export interface CarriersTable {
  id: DbId;
  sid: string;
  name: string;
  username: string | null;
  password_enc: string | null;
  auth_username: string | null;
  realm: string | null;
  registrar_uri: string | null;
  register_expires: number | null;
  contact_user: string | null;
  /** JSON array of strings. */
  source_cidrs: string;
  /** JSON array of strings. */
  codecs: string;
  max_cps: number | null;
  max_concurrent: number | null;
  probe: number;
  srtp: number;
  created_at: string;
  updated_at: string;
}

export interface CarrierUrisTable {
  id: DbId;
  carrier_sid: string;
  uri: string;
  priority: number;
  weight: number;
}

export interface CarrierRoutesTable {
  id: DbId;
  sid: string;
  prefix: string;
  created_at: string;
  updated_at: string;
}

export interface RouteCarriersTable {
  route_sid: string;
  carrier_sid: string;
  position: number;
  priority: number;
  weight: number;
}

/** Migration 0006: one row per running SIP node, refreshed by its heartbeat. */
export interface SipNodesTable {
  id: string;
  region: string;
  /** JSON: [{ transport, address, port }] — the public signalling addresses. */
  signalling: string;
  rtp_ports: string | null;
  api_url: string | null;
  started_at: string;
  heartbeat_at: string;
}

/** Migration 0011: webhook subscriptions. */
export interface WebhooksTable {
  sid: string;
  account_sid: string;
  trunk_sid: string | null;
  url: string;
  events: string;
  secret_enc: string;
  active: number;
  created_at: string;
}

/** Migration 0011: the webhook outbox, one row per event and subscription. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_sid: string;
  account_sid: string;
  event_id: string;
  event_type: string;
  payload: string;
  state: string;
  attempts: number;
  created_ms: number | string;
  next_attempt_ms: number | string;
  lease_until_ms: number | string;
  last_status: number | null;
  last_error: string | null;
}

export interface Database {
  accounts: AccountsTable;
  trunks: TrunksTable;
  phone_numbers: PhoneNumbersTable;
  whitelisted_ips: WhitelistedIpsTable;
  destination_uris: DestinationUrisTable;
  trunk_settings: TrunkSettingsTable;
  registrations: RegistrationsTable;
  calls: CallsTable;
  meta: MetaTable;
  sip_nodes: SipNodesTable;
  change_log: ChangeLogTable;
  account_settings: AccountSettingsTable;
  idempotency_keys: IdempotencyKeysTable;
  operator_tokens: OperatorTokensTable;
  carriers: CarriersTable;
  carrier_uris: CarrierUrisTable;
  carrier_routes: CarrierRoutesTable;
  route_carriers: RouteCarriersTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
}
