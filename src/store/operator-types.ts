/**
 * The store contract of the operator API: operator tokens, account suspension and deletion,
 * carriers and carrier routes. Part of `Store` (types.ts); kept apart so the account-facing
 * contract stays readable. The gateway reads carriers as a `CarrierPlan` (carrier-plan.ts).
 */
import type { Carrier, CarrierCredentials, CarrierPlan, CarrierRoute, RouteCarrier } from '../carriers/carrier-plan.js';
import type { Account, AccountStatus, Page, PageRequest } from './types.js';

export interface OperatorToken {
  id: string;
  label: string;
  dateCreated: string;
}

/** A carrier as the API shows it: the digest password is write-only and never leaves the store. */
export interface CarrierRecord extends Omit<Carrier, 'credentials'> {
  readonly credentials: Omit<CarrierCredentials, 'password'> | null;
  readonly dateCreated: string;
  readonly dateUpdated: string;
}

export interface NewCarrierUri {
  uri: string;
  priority: number;
  weight: number;
}

export interface NewCarrier {
  name: string;
  uris: NewCarrierUri[];
  credentials: CarrierCredentials | null;
  registration: Carrier['registration'];
  sourceCidrs: string[];
  codecs: string[];
  maxCallsPerSecond: number | null;
  maxConcurrentCalls: number | null;
  probe: boolean;
  srtp: boolean;
}

/**
 * Absent fields stay as they are; `uris` replaces the list. `credentials` with `password` null
 * keeps the stored password (so a client can rename the user without re-sending the secret).
 */
export type CarrierUpdate = Partial<Omit<NewCarrier, 'credentials'>> & {
  credentials?: (Omit<CarrierCredentials, 'password'> & { password: string | null }) | null;
};

export interface CarrierRouteRecord extends CarrierRoute {
  readonly dateCreated: string;
  readonly dateUpdated: string;
}

export interface NewCarrierRoute {
  prefix: string;
  carriers: RouteCarrier[];
}

export interface OperatorStore {
  /** Stores the SHA-256 of a new operator token and returns the token: the only time it is seen. */
  createOperatorToken(label: string): Promise<{ token: OperatorToken; secret: string }>;
  /** Null when the token is not one of ours. */
  authenticateOperator(secret: string): Promise<OperatorToken | null>;

  listAccountsPage(page: PageRequest): Promise<Page<Account>>;
  setAccountStatus(accountSid: string, status: AccountStatus): Promise<Account>;
  /** Removes the account, its trunks and everything under them, in one transaction. */
  deleteAccount(accountSid: string): Promise<void>;

  createCarrier(input: NewCarrier): Promise<CarrierRecord>;
  listCarriers(page: PageRequest): Promise<Page<CarrierRecord>>;
  getCarrier(carrierSid: string): Promise<CarrierRecord | null>;
  updateCarrier(carrierSid: string, update: CarrierUpdate): Promise<CarrierRecord>;
  /** Refused (`in_use`, naming the route) while a route lists the carrier. */
  deleteCarrier(carrierSid: string): Promise<void>;

  /** Every carrier listed must exist (`invalid`, field `carriers[i].carrier_sid`). */
  createCarrierRoute(input: NewCarrierRoute): Promise<CarrierRouteRecord>;
  listCarrierRoutes(page: PageRequest): Promise<Page<CarrierRouteRecord>>;
  getCarrierRoute(routeSid: string): Promise<CarrierRouteRecord | null>;
  updateCarrierRoute(routeSid: string, update: Partial<NewCarrierRoute>): Promise<CarrierRouteRecord>;
  deleteCarrierRoute(routeSid: string): Promise<void>;

  /** Every carrier (passwords decrypted) and route, read in one snapshot, for the gateway. */
  loadCarrierPlan(): Promise<CarrierPlan>;
}
