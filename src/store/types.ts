/**
 * The store contract: what the API, the gateway and the CLI need from persistence.
 *
 * One interface, two implementations (SQLite via better-sqlite3, PostgreSQL via pg), both built
 * on Kysely with one migration set. The contract test suite (`test/store/store.contract.test.ts`)
 * runs against both.
 *
 * Conventions
 * - Timestamps are ISO-8601 strings in UTC with a `Z` suffix, second precision
 *   (`2025-01-22T10:00:00Z`), as the spec's examples show.
 * - Item ids (phone numbers, whitelisted IPs, destination URIs) are numeric strings.
 * - Uniqueness races are decided by the database: the loser gets a `StoreError` with
 *   `kind: 'conflict'`, never a partial write.
 * - Secrets never leave the store in clear except where the contract says so:
 *   `getSipPassword` (Get Credentials) and `loadGatewayTrunks` (the gateway verifies digests).
 */
import type { CallQuery, CallRecord, CdrPage, CdrQuery, NewCallRecord } from './call-record-types.js';
import type { OperatorStore } from './operator-types.js';
import type { WebhookStore } from './webhook-types.js';

export type AccountStatus = 'active' | 'suspended';

export interface Account {
  sid: string;
  name: string;
  apiKey: string;
  dateCreated: string;
  /** A suspended account's API calls get 403 and its trunks' calls 403 (`account_suspended`). */
  status: AccountStatus;
}

/** Returned once, when an account is created or its token rotated: the only time the token is seen. */
export interface AccountCredentials {
  accountSid: string;
  apiKey: string;
  apiToken: string;
}

export type TrunkStatus = 'active' | 'inactive';

export interface Trunk {
  sid: string;
  accountSid: string;
  name: string;
  nsoCode: string;
  domainName: string;
  status: TrunkStatus;
  /** How calls from the PBX are authenticated: by source IP, by digest, or both. */
  authType: 'ip_whitelist' | 'credentials' | 'ip_whitelist_and_credentials';
  registrationEnabled: boolean;
  edgePreference: string | null;
  secureTrunking: boolean;
  /** Per-trunk limits; null means the gateway default. */
  maxCallsPerSecond: number | null;
  maxConcurrentCalls: number | null;
  dateCreated: string;
  dateUpdated: string;
}

export interface NewTrunk {
  accountSid: string;
  name: string;
  nsoCode: string;
  domainName: string;
  authType?: Trunk['authType'];
  registrationEnabled?: boolean;
  edgePreference?: string | null;
  secureTrunking?: boolean;
  maxCallsPerSecond?: number | null;
  maxConcurrentCalls?: number | null;
}

export type TrunkUpdate = Partial<Omit<NewTrunk, 'accountSid'>> & { status?: TrunkStatus };

export type NumberMode = 'pstn' | 'flow';

export interface PhoneNumber {
  id: string;
  trunkSid: string;
  /** Canonical E.164 with the leading `+`. */
  phoneNumber: string;
  mode: NumberMode;
  dateCreated: string;
  dateUpdated: string;
}

export interface WhitelistedIp {
  id: string;
  trunkSid: string;
  ip: string;
  mask: number;
  dateCreated: string;
  dateUpdated: string;
}

export type DestinationTransport = 'tls' | 'tcp' | 'udp';

export interface DestinationUri {
  id: string;
  trunkSid: string;
  /** As the user wrote it, normalised: `<host>:<port>;transport=<tls|tcp>`. */
  destination: string;
  host: string;
  port: number;
  transport: DestinationTransport;
  priority: number;
  weight: number;
  dateCreated: string;
  dateUpdated: string;
}

export interface TrunkSetting {
  name: string;
  value: string;
  dateCreated: string;
  dateUpdated: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface PageRequest {
  offset: number;
  limit: number;
}

export type {
  CallDirection,
  CallQuery,
  CallRecord,
  CdrCursor,
  CdrFilter,
  CdrPage,
  CdrQuery,
  NewCallRecord,
} from './call-record-types.js';

/** Account-level settings (`GET/PUT /v2/accounts/{sid}/settings`), stored as name/value rows. */
export interface AccountSettings {
  /** Call records older than this many days are deleted by the retention job; default 90. */
  cdrRetentionDays: number;
}

export const DEFAULT_CDR_RETENTION_DAYS = 90;

/** What claiming an Idempotency-Key found: it is ours now, another request holds it, or its answer. */
export type IdempotencyClaim =
  | { state: 'claimed' }
  | { state: 'pending'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; body: string };

export interface Registration {
  trunkSid: string;
  contact: string;
  sourceIp: string;
  sourcePort: number;
  transport: string;
  userAgent: string | null;
  expiresAt: string;
  /** The TCP/TLS connection the REGISTER came over (its flow, RFC 5626), null for UDP. */
  connectionId?: string | null;
  /** The SIP node that holds that connection (and took the REGISTER). */
  nodeId?: string | null;
  /** When the binding was first made (a refresh keeps it). */
  registeredAt?: string | null;
}

/** A SIP node in the registry (`--region`, its public addresses), alive while its heartbeat is fresh. */
export interface SipNode {
  id: string;
  region: string;
  signalling: Array<{ transport: string; address: string; port: number }>;
  /** `min-max` UDP range its media uses, null when not known. */
  rtpPorts: string | null;
  /** The public API URL of its region (`--public-api-url`), null when not set. */
  apiUrl: string | null;
  startedAt: string;
  heartbeatAt: string;
  /**
   * Its internal SIP address (UDP), where other nodes hand it calls for the flows it holds (a PBX's
   * TCP/TLS connection); absent for nodes that take no relayed calls.
   */
  relay?: { address: string; port: number } | null;
}

/** Everything the gateway needs to decide one trunk's calls, with the SIP password decrypted. */
export interface GatewayTrunk {
  trunk: Trunk;
  /** The trunk's account is suspended: its calls are refused (`account_suspended`). */
  accountSuspended?: boolean;
  sipPassword: string;
  numbers: string[];
  /** The numbers (of `numbers`) in `mode: flow`: routed by the account's call-routing webhook. */
  flowNumbers?: string[];
  ips: Array<{ ip: string; mask: number }>;
  destinations: DestinationUri[];
  settings: Record<string, string>;
}

export type ChangeEvent =
  | { kind: 'trunk'; accountSid: string; trunkSid: string }
  | { kind: 'account'; accountSid: string }
  /** A carrier or carrier route changed: the carrier plan is reloaded whole. */
  | { kind: 'carriers' };

export type StoreErrorKind = 'conflict' | 'not_found' | 'invalid' | 'in_use';

/** Thrown by stores; the API maps `conflict` to 409/1002 and `not_found` to 404/1003. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly kind: StoreErrorKind,
    message: string,
    /** Which field or constraint, e.g. `trunk_name`, `phone_number`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface Store extends OperatorStore {
  readonly kind: 'sqlite' | 'postgres';

  // accounts
  createAccount(name: string): Promise<AccountCredentials>;
  listAccounts(): Promise<Account[]>;
  countAccounts(): Promise<number>;
  /** Resolves Basic-auth credentials; constant-time token comparison. Null when they do not match. */
  authenticate(apiKey: string, apiToken: string): Promise<Account | null>;
  rotateAccountToken(accountSid: string): Promise<AccountCredentials>;
  getAccount(accountSid: string): Promise<Account | null>;

  // trunks (all scoped by account: a trunk of another account is `not_found`)
  createTrunk(input: NewTrunk): Promise<Trunk>;
  getTrunk(accountSid: string, trunkSid: string): Promise<Trunk | null>;
  listTrunks(accountSid: string, page: PageRequest): Promise<Page<Trunk>>;
  updateTrunk(accountSid: string, trunkSid: string, update: TrunkUpdate): Promise<Trunk>;
  /** Removes the trunk and everything under it in one transaction. */
  deleteTrunk(accountSid: string, trunkSid: string): Promise<void>;
  getSipPassword(accountSid: string, trunkSid: string): Promise<string>;
  rotateSipPassword(accountSid: string, trunkSid: string): Promise<string>;

  // phone numbers
  addPhoneNumber(accountSid: string, trunkSid: string, phoneNumber: string, mode: NumberMode): Promise<PhoneNumber>;
  listPhoneNumbers(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<PhoneNumber>>;
  /** Many numbers in one transaction, a result per item (`StoreError` for the ones that failed). */
  addPhoneNumbers(
    accountSid: string,
    trunkSid: string,
    items: Array<{ phoneNumber: string; mode: NumberMode }>,
    allOrNothing: boolean,
  ): Promise<Array<{ ok: PhoneNumber } | { error: StoreError }>>;
  getPhoneNumber(accountSid: string, trunkSid: string, id: string): Promise<PhoneNumber | null>;
  updatePhoneNumber(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: { phoneNumber?: string; mode?: NumberMode },
  ): Promise<PhoneNumber>;
  deletePhoneNumber(accountSid: string, trunkSid: string, id: string): Promise<void>;

  // whitelisted IPs
  addWhitelistedIp(accountSid: string, trunkSid: string, ip: string, mask: number): Promise<WhitelistedIp>;
  listWhitelistedIps(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<WhitelistedIp>>;
  getWhitelistedIp(accountSid: string, trunkSid: string, id: string): Promise<WhitelistedIp | null>;
  updateWhitelistedIp(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: { ip?: string; mask?: number },
  ): Promise<WhitelistedIp>;
  deleteWhitelistedIp(accountSid: string, trunkSid: string, id: string): Promise<void>;

  // destination URIs
  addDestinationUri(
    accountSid: string,
    trunkSid: string,
    d: {
      destination: string;
      host: string;
      port: number;
      transport: DestinationTransport;
      priority: number;
      weight: number;
    },
  ): Promise<DestinationUri>;
  listDestinationUris(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<DestinationUri>>;
  getDestinationUri(accountSid: string, trunkSid: string, id: string): Promise<DestinationUri | null>;
  updateDestinationUri(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: Partial<{
      destination: string;
      host: string;
      port: number;
      transport: DestinationTransport;
      priority: number;
      weight: number;
    }>,
  ): Promise<DestinationUri>;
  deleteDestinationUri(accountSid: string, trunkSid: string, id: string): Promise<void>;

  // settings
  setSetting(accountSid: string, trunkSid: string, name: string, value: string): Promise<TrunkSetting>;
  listSettings(accountSid: string, trunkSid: string): Promise<TrunkSetting[]>;
  deleteSetting(accountSid: string, trunkSid: string, name: string): Promise<void>;

  // gateway
  /** Every trunk with its numbers, ranges, destinations and settings, for the in-memory snapshot. */
  loadGatewayTrunks(): Promise<GatewayTrunk[]>;
  /** One trunk's current configuration; null if it no longer exists. */
  loadGatewayTrunk(trunkSid: string): Promise<GatewayTrunk | null>;
  /**
   * Called after every committed change, this process's and other processes' on the same database:
   * SQLite through the change_log table (`sqlite-change-feed.ts`), PostgreSQL by LISTEN/NOTIFY.
   */
  onChange(listener: (event: ChangeEvent) => void): () => void;
  /**
   * (Added with the store implementation.) Called when change events may have been missed —
   * on PostgreSQL, after the LISTEN connection dropped and came back; on SQLite, when this process
   * read the change_log too late (rows it never saw were pruned): listeners should reload
   * everything (`loadGatewayTrunks`).
   * Optional so that test doubles need not implement it.
   */
  onResync?(listener: () => void): () => void;

  // call log
  insertCalls(calls: NewCallRecord[]): Promise<void>;
  listCalls(accountSid: string, trunkSid: string, query: CallQuery): Promise<Page<CallRecord>>;
  findCallsByCallId(accountSid: string, callId: string): Promise<CallRecord[]>;
  /** Keeps the newest `keep` records; returns how many were removed. */
  pruneCalls(keep: number): Promise<number>;
  /** One page of an account's call records in CDR order (`startedAt` desc, `id` desc). */
  queryCdrs(accountSid: string, query: CdrQuery): Promise<CdrPage>;
  /** Every matching record in CDR order, fetched in bounded batches (exports): `query.limit` is the batch size. */
  streamCdrs(accountSid: string, query: CdrQuery): AsyncIterable<CallRecord>;
  /**
   * Deletes records older than each account's `cdrRetentionDays` (records of no account: the default),
   * at most `batch` rows per statement so writers are never blocked long; returns how many were removed.
   */
  pruneCallsByAge(now: Date, batch?: number): Promise<number>;
  /**
   * Claims `key` for a request with this fingerprint, unless a live claim or answer exists: a claim
   * older than `staleMs` (its process died) or an answer older than `ttlMs` is replaced.
   */
  claimIdempotencyKey(
    accountSid: string,
    key: string,
    fingerprint: string,
    now: number,
    opts: { ttlMs: number; staleMs: number },
  ): Promise<IdempotencyClaim>;
  completeIdempotencyKey(accountSid: string, key: string, status: number, body: string, now: number): Promise<void>;
  /** Drops a claim whose request ended without an answer worth replaying (5xx, aborted). */
  releaseIdempotencyKey(accountSid: string, key: string): Promise<void>;
  pruneIdempotencyKeys(olderThanMs: number): Promise<number>;
  getAccountSettings(accountSid: string): Promise<AccountSettings>;
  updateAccountSettings(accountSid: string, update: Partial<AccountSettings>): Promise<AccountSettings>;

  // registrations
  upsertRegistration(reg: Registration): Promise<void>;
  removeRegistration(trunkSid: string, contact: string): Promise<void>;
  listRegistrations(trunkSid: string): Promise<Registration[]>;
  pruneRegistrations(now: string): Promise<number>;

  // SIP node registry
  upsertSipNode(node: SipNode): Promise<void>;
  removeSipNode(id: string): Promise<void>;
  /** Nodes whose heartbeat is at or after `since` (ISO-8601); all nodes when null. */
  listSipNodes(since: string | null): Promise<SipNode[]>;

  /** Server-wide secrets and flags (e.g. the digest nonce secret), stored in a meta table. */
  getMeta(key: string): Promise<string | null>;
  setMetaIfAbsent(key: string, value: string): Promise<string>;

  /** Webhook subscriptions and outbox; optional so that test doubles need not implement it. */
  readonly webhooks?: WebhookStore;

  close(): Promise<void>;
}
