/**
 * The one `Store` implementation, on Kysely. SQLite and PostgreSQL differ only in the
 * `DialectHooks` they pass in (constraint error codes, change notification, read snapshots).
 */
import type { Kysely } from 'kysely';
import { AccountsRepo } from './accounts-repo.js';
import { CallLogRepo } from './call-log-repo.js';
import { CdrRepo } from './cdr-repo.js';
import { IdempotencyRepo } from './idempotency-repo.js';
import { DestinationUrisRepo, type DestinationFields } from './destination-uris-repo.js';
import { loadAllGatewayTrunks, loadOneGatewayTrunk } from './gateway-loader.js';
import { addPhoneNumbers } from './phone-numbers-bulk.js';
import { PhoneNumbersRepo } from './phone-numbers-repo.js';
import { RuntimeRepo } from './runtime-repo.js';
import type { Database } from './schema.js';
import type { SecretBox } from './secrets/secret-box.js';
import { SettingsRepo } from './settings-repo.js';
import type { DialectHooks, StoreContext } from './store-context.js';
import { TrunksRepo } from './trunks-repo.js';
import { WhitelistedIpsRepo } from './whitelisted-ips-repo.js';
import { WebhooksRepo } from './webhooks-repo.js';
import type { StoreError } from './types.js';
import type { CarrierPlan } from '../carriers/carrier-plan.js';
import { CarrierRoutesRepo } from './carrier-routes-repo.js';
import { CarriersRepo } from './carriers-repo.js';
import { OperatorAccountsRepo } from './operator-accounts-repo.js';
import type {
  CarrierRecord,
  CarrierRouteRecord,
  CarrierUpdate,
  NewCarrier,
  NewCarrierRoute,
  OperatorToken,
} from './operator-types.js';
import type {
  Account,
  AccountCredentials,
  AccountSettings,
  AccountStatus,
  CdrPage,
  CdrQuery,
  IdempotencyClaim,
  CallQuery,
  CallRecord,
  ChangeEvent,
  DestinationUri,
  GatewayTrunk,
  NewCallRecord,
  NewTrunk,
  NumberMode,
  Page,
  PageRequest,
  PhoneNumber,
  Registration,
  SipNode,
  Store,
  Trunk,
  TrunkSetting,
  TrunkUpdate,
  WhitelistedIp,
} from './types.js';

export class KyselyStore implements Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly #ctx: StoreContext;
  readonly #accounts: AccountsRepo;
  readonly #trunks: TrunksRepo;
  readonly #numbers: PhoneNumbersRepo;
  readonly #ips: WhitelistedIpsRepo;
  readonly #destinations: DestinationUrisRepo;
  readonly #settings: SettingsRepo;
  readonly #calls: CallLogRepo;
  readonly #cdrs: CdrRepo;
  readonly #idempotency: IdempotencyRepo;
  readonly #runtime: RuntimeRepo;
  readonly #operator: OperatorAccountsRepo;
  readonly #carriers: CarriersRepo;
  readonly #carrierRoutes: CarrierRoutesRepo;
  /** Webhook subscriptions and outbox (see webhooks-repo.ts). */
  readonly webhooks: WebhooksRepo;
  #closed: Promise<void> | null = null;

  constructor(db: Kysely<Database>, hooks: DialectHooks, box: SecretBox) {
    this.kind = hooks.kind;
    this.#ctx = { db, hooks, box };
    this.#accounts = new AccountsRepo(this.#ctx);
    this.#trunks = new TrunksRepo(this.#ctx);
    this.#numbers = new PhoneNumbersRepo(this.#ctx);
    this.#ips = new WhitelistedIpsRepo(this.#ctx);
    this.#destinations = new DestinationUrisRepo(this.#ctx);
    this.#settings = new SettingsRepo(this.#ctx);
    this.#calls = new CallLogRepo(this.#ctx);
    this.#cdrs = new CdrRepo(this.#ctx);
    this.#idempotency = new IdempotencyRepo(this.#ctx);
    this.#runtime = new RuntimeRepo(this.#ctx);
    this.#operator = new OperatorAccountsRepo(this.#ctx);
    this.#carriers = new CarriersRepo(this.#ctx);
    this.#carrierRoutes = new CarrierRoutesRepo(this.#ctx);
    this.webhooks = new WebhooksRepo(this.#ctx);
  }

  /** For tests and tools in `src/store` only: the raw Kysely handle. */
  get db(): Kysely<Database> {
    return this.#ctx.db;
  }

  createAccount(name: string): Promise<AccountCredentials> {
    return this.#accounts.create(name);
  }
  listAccounts(): Promise<Account[]> {
    return this.#accounts.list();
  }
  countAccounts(): Promise<number> {
    return this.#accounts.count();
  }
  authenticate(apiKey: string, apiToken: string): Promise<Account | null> {
    return this.#accounts.authenticate(apiKey, apiToken);
  }
  rotateAccountToken(accountSid: string): Promise<AccountCredentials> {
    return this.#accounts.rotateToken(accountSid);
  }
  getAccount(accountSid: string): Promise<Account | null> {
    return this.#accounts.get(accountSid);
  }

  createTrunk(input: NewTrunk): Promise<Trunk> {
    return this.#trunks.create(input);
  }
  getTrunk(accountSid: string, trunkSid: string): Promise<Trunk | null> {
    return this.#trunks.get(accountSid, trunkSid);
  }
  listTrunks(accountSid: string, page: PageRequest): Promise<Page<Trunk>> {
    return this.#trunks.list(accountSid, page);
  }
  updateTrunk(accountSid: string, trunkSid: string, update: TrunkUpdate): Promise<Trunk> {
    return this.#trunks.update(accountSid, trunkSid, update);
  }
  deleteTrunk(accountSid: string, trunkSid: string): Promise<void> {
    return this.#trunks.delete(accountSid, trunkSid);
  }
  getSipPassword(accountSid: string, trunkSid: string): Promise<string> {
    return this.#trunks.getSipPassword(accountSid, trunkSid);
  }
  rotateSipPassword(accountSid: string, trunkSid: string): Promise<string> {
    return this.#trunks.rotateSipPassword(accountSid, trunkSid);
  }

  addPhoneNumber(accountSid: string, trunkSid: string, phoneNumber: string, mode: NumberMode): Promise<PhoneNumber> {
    return this.#numbers.add(accountSid, trunkSid, phoneNumber, mode);
  }
  addPhoneNumbers(
    accountSid: string,
    trunkSid: string,
    items: Array<{ phoneNumber: string; mode: NumberMode }>,
    allOrNothing: boolean,
  ): Promise<Array<{ ok: PhoneNumber } | { error: StoreError }>> {
    return addPhoneNumbers(this.#ctx, accountSid, trunkSid, items, allOrNothing);
  }
  listPhoneNumbers(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<PhoneNumber>> {
    return this.#numbers.list(accountSid, trunkSid, page);
  }
  getPhoneNumber(accountSid: string, trunkSid: string, id: string): Promise<PhoneNumber | null> {
    return this.#numbers.get(accountSid, trunkSid, id);
  }
  updatePhoneNumber(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: { phoneNumber?: string; mode?: NumberMode },
  ): Promise<PhoneNumber> {
    return this.#numbers.update(accountSid, trunkSid, id, update);
  }
  deletePhoneNumber(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return this.#numbers.delete(accountSid, trunkSid, id);
  }

  addWhitelistedIp(accountSid: string, trunkSid: string, ip: string, mask: number): Promise<WhitelistedIp> {
    return this.#ips.add(accountSid, trunkSid, ip, mask);
  }
  listWhitelistedIps(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<WhitelistedIp>> {
    return this.#ips.list(accountSid, trunkSid, page);
  }
  getWhitelistedIp(accountSid: string, trunkSid: string, id: string): Promise<WhitelistedIp | null> {
    return this.#ips.get(accountSid, trunkSid, id);
  }
  updateWhitelistedIp(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: { ip?: string; mask?: number },
  ): Promise<WhitelistedIp> {
    return this.#ips.update(accountSid, trunkSid, id, update);
  }
  deleteWhitelistedIp(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return this.#ips.delete(accountSid, trunkSid, id);
  }

  addDestinationUri(accountSid: string, trunkSid: string, d: DestinationFields): Promise<DestinationUri> {
    return this.#destinations.add(accountSid, trunkSid, d);
  }
  listDestinationUris(accountSid: string, trunkSid: string, page: PageRequest): Promise<Page<DestinationUri>> {
    return this.#destinations.list(accountSid, trunkSid, page);
  }
  getDestinationUri(accountSid: string, trunkSid: string, id: string): Promise<DestinationUri | null> {
    return this.#destinations.get(accountSid, trunkSid, id);
  }
  updateDestinationUri(
    accountSid: string,
    trunkSid: string,
    id: string,
    update: Partial<DestinationFields>,
  ): Promise<DestinationUri> {
    return this.#destinations.update(accountSid, trunkSid, id, update);
  }
  deleteDestinationUri(accountSid: string, trunkSid: string, id: string): Promise<void> {
    return this.#destinations.delete(accountSid, trunkSid, id);
  }

  setSetting(accountSid: string, trunkSid: string, name: string, value: string): Promise<TrunkSetting> {
    return this.#settings.set(accountSid, trunkSid, name, value);
  }
  listSettings(accountSid: string, trunkSid: string): Promise<TrunkSetting[]> {
    return this.#settings.list(accountSid, trunkSid);
  }
  deleteSetting(accountSid: string, trunkSid: string, name: string): Promise<void> {
    return this.#settings.delete(accountSid, trunkSid, name);
  }

  loadGatewayTrunks(): Promise<GatewayTrunk[]> {
    return loadAllGatewayTrunks(this.#ctx, (fn) => this.#ctx.hooks.readSnapshot(this.#ctx.db, fn));
  }
  loadGatewayTrunk(trunkSid: string): Promise<GatewayTrunk | null> {
    return loadOneGatewayTrunk(this.#ctx, (fn) => this.#ctx.hooks.readSnapshot(this.#ctx.db, fn), trunkSid);
  }
  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.#ctx.hooks.subscribe(listener);
  }
  onResync(listener: () => void): () => void {
    return this.#ctx.hooks.subscribeResync(listener);
  }

  insertCalls(calls: NewCallRecord[]): Promise<void> {
    return this.#calls.insert(calls);
  }
  listCalls(accountSid: string, trunkSid: string, query: CallQuery): Promise<Page<CallRecord>> {
    return this.#calls.list(accountSid, trunkSid, query);
  }
  findCallsByCallId(accountSid: string, callId: string): Promise<CallRecord[]> {
    return this.#calls.findByCallId(accountSid, callId);
  }
  pruneCalls(keep: number): Promise<number> {
    return this.#calls.prune(keep);
  }
  queryCdrs(accountSid: string, query: CdrQuery): Promise<CdrPage> {
    return this.#cdrs.query(accountSid, query);
  }
  streamCdrs(accountSid: string, query: CdrQuery): AsyncIterable<CallRecord> {
    return this.#cdrs.stream(accountSid, query);
  }
  pruneCallsByAge(now: Date, batch?: number): Promise<number> {
    return this.#cdrs.pruneByAge(now, batch);
  }
  claimIdempotencyKey(
    accountSid: string,
    key: string,
    fingerprint: string,
    now: number,
    opts: { ttlMs: number; staleMs: number },
  ): Promise<IdempotencyClaim> {
    return this.#idempotency.claim(accountSid, key, fingerprint, now, opts);
  }
  completeIdempotencyKey(accountSid: string, key: string, status: number, body: string, now: number): Promise<void> {
    return this.#idempotency.complete(accountSid, key, status, body, now);
  }
  releaseIdempotencyKey(accountSid: string, key: string): Promise<void> {
    return this.#idempotency.release(accountSid, key);
  }
  pruneIdempotencyKeys(olderThanMs: number): Promise<number> {
    return this.#idempotency.prune(olderThanMs);
  }
  getAccountSettings(accountSid: string): Promise<AccountSettings> {
    return this.#cdrs.getSettings(accountSid);
  }
  updateAccountSettings(accountSid: string, update: Partial<AccountSettings>): Promise<AccountSettings> {
    return this.#cdrs.updateSettings(accountSid, update);
  }

  upsertRegistration(reg: Registration): Promise<void> {
    return this.#runtime.upsertRegistration(reg);
  }
  removeRegistration(trunkSid: string, contact: string): Promise<void> {
    return this.#runtime.removeRegistration(trunkSid, contact);
  }
  listRegistrations(trunkSid: string): Promise<Registration[]> {
    return this.#runtime.listRegistrations(trunkSid);
  }
  pruneRegistrations(now: string): Promise<number> {
    return this.#runtime.pruneRegistrations(now);
  }

  upsertSipNode(node: SipNode): Promise<void> {
    return this.#runtime.upsertSipNode(node);
  }
  removeSipNode(id: string): Promise<void> {
    return this.#runtime.removeSipNode(id);
  }
  listSipNodes(since: string | null): Promise<SipNode[]> {
    return this.#runtime.listSipNodes(since);
  }

  getMeta(key: string): Promise<string | null> {
    return this.#runtime.getMeta(key);
  }
  setMetaIfAbsent(key: string, value: string): Promise<string> {
    return this.#runtime.setMetaIfAbsent(key, value);
  }

  createOperatorToken(label: string): Promise<{ token: OperatorToken; secret: string }> {
    return this.#operator.createToken(label);
  }
  authenticateOperator(secret: string): Promise<OperatorToken | null> {
    return this.#operator.authenticate(secret);
  }
  listAccountsPage(page: PageRequest): Promise<Page<Account>> {
    return this.#operator.listPage(page);
  }
  setAccountStatus(accountSid: string, status: AccountStatus): Promise<Account> {
    return this.#operator.setStatus(accountSid, status);
  }
  deleteAccount(accountSid: string): Promise<void> {
    return this.#operator.delete(accountSid);
  }

  createCarrier(input: NewCarrier): Promise<CarrierRecord> {
    return this.#carriers.create(input);
  }
  listCarriers(page: PageRequest): Promise<Page<CarrierRecord>> {
    return this.#carriers.list(page);
  }
  getCarrier(carrierSid: string): Promise<CarrierRecord | null> {
    return this.#carriers.get(carrierSid);
  }
  updateCarrier(carrierSid: string, update: CarrierUpdate): Promise<CarrierRecord> {
    return this.#carriers.update(carrierSid, update);
  }
  deleteCarrier(carrierSid: string): Promise<void> {
    return this.#carriers.delete(carrierSid);
  }
  createCarrierRoute(input: NewCarrierRoute): Promise<CarrierRouteRecord> {
    return this.#carrierRoutes.create(input);
  }
  listCarrierRoutes(page: PageRequest): Promise<Page<CarrierRouteRecord>> {
    return this.#carrierRoutes.list(page);
  }
  getCarrierRoute(routeSid: string): Promise<CarrierRouteRecord | null> {
    return this.#carrierRoutes.get(routeSid);
  }
  updateCarrierRoute(routeSid: string, update: Partial<NewCarrierRoute>): Promise<CarrierRouteRecord> {
    return this.#carrierRoutes.update(routeSid, update);
  }
  deleteCarrierRoute(routeSid: string): Promise<void> {
    return this.#carrierRoutes.delete(routeSid);
  }
  loadCarrierPlan(): Promise<CarrierPlan> {
    return this.#ctx.hooks.readSnapshot(this.#ctx.db, async (db) => {
      const carriers = await this.#carriers.loadPlanCarriers(db);
      const routes = await this.#carrierRoutes.loadPlanRoutes(db);
      return { carriers: new Map(carriers.map((c) => [c.sid, c])), routes };
    });
  }

  /** Idempotent: a second call waits for the first. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      await this.#ctx.hooks.close();
      await this.#ctx.db.destroy();
    })();
    return this.#closed;
  }
}
