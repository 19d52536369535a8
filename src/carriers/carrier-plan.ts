/**
 * The carrier side as the gateway sees it: upstream carriers, their URIs and credentials, and the
 * routes from dialled-number prefixes to carriers. Configured through the operator API (stored,
 * loaded into one immutable plan that a change replaces whole) or, for one carrier, by
 * `vsip serve --carrier <uri>`. This file is the contract between the two sides; it holds types
 * and nothing else.
 */

/** One SIP URI of a carrier (`sip:`/`sips:` host[:port][;transport=]). */
export interface CarrierUri {
  readonly id: string;
  readonly uri: string;
  /** Lower is tried first. */
  readonly priority: number;
  /** Share among URIs of the same priority (0 = only when the others failed). */
  readonly weight: number;
}

/** Digest credentials vsip answers a carrier's 401/407 with (RFC 3261 §22.2). */
export interface CarrierCredentials {
  readonly username: string;
  /** Decrypted: the store keeps it encrypted at rest, like trunk passwords. */
  readonly password: string;
  /** Username for the Authorization header when it differs from `username`. */
  readonly authUsername: string | null;
  /** Answer only challenges of this realm (null: any realm). */
  readonly realm: string | null;
}

/** Outbound registration to a carrier that wants one (RFC 3261 §10.2). */
export interface CarrierRegistration {
  readonly registrarUri: string;
  /** Requested expiry, seconds. */
  readonly expires: number;
  /** User part of the Contact vsip registers; the carrier sends its inbound calls there. */
  readonly contactUser: string;
}

export interface Carrier {
  readonly sid: string;
  readonly name: string;
  readonly uris: readonly CarrierUri[];
  readonly credentials: CarrierCredentials | null;
  readonly registration: CarrierRegistration | null;
  /** IPv4 addresses / CIDRs whose calls are accepted as this carrier's inbound calls. */
  readonly sourceCidrs: readonly string[];
  /** Codec names offered toward this carrier (PCMU, PCMA, G729; telephone-event always kept). */
  readonly codecs: readonly string[];
  readonly maxCallsPerSecond: number | null;
  readonly maxConcurrentCalls: number | null;
  /** OPTIONS probing of its URIs (down after consecutive failures, up after successes). */
  readonly probe: boolean;
  /** A carrier configured for SRTP gets SRTP on its leg; otherwise plain RTP. */
  readonly srtp: boolean;
}

export interface RouteCarrier {
  readonly carrierSid: string;
  /** Lower is tried first (cost order). */
  readonly priority: number;
  readonly weight: number;
}

export interface CarrierRoute {
  readonly sid: string;
  /** Dialled-number prefix, digits only; the longest matching prefix wins; '' is the default route. */
  readonly prefix: string;
  readonly carriers: readonly RouteCarrier[];
}

export interface CarrierPlan {
  readonly carriers: ReadonlyMap<string, Carrier>;
  readonly routes: readonly CarrierRoute[];
}

/** Where the gateway reads the plan: the store-backed loader or the `--carrier` shortcut. */
export interface CarrierPlanSource {
  current(): CarrierPlan;
  /** Called after each replacement of the plan; returns the unsubscribe function. */
  onChange(listener: () => void): () => void;
}
