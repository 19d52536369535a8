/**
 * Public identifiers. All lower-case hex so they are DNS-label safe (the trunk domain is
 * `<account_sid>.<sip domain>`) and SIP-username safe (the trunk SID is the digest username).
 * Each carries at least 64 random bits, so they cannot be enumerated; a collision would
 * surface as a unique-constraint conflict, never as a silent overwrite.
 */
import { randomBytes } from 'node:crypto';

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** `vsip` + 16 hex (64 bits). */
export const newAccountSid = (): string => `vsip${hex(8)}`;
/** 20 hex chars (80 bits): the Basic-auth user name, not a secret on its own. */
export const newApiKey = (): string => hex(10);
/** Exotel style `trmum1` + 24 hex (96 bits). */
export const newTrunkSid = (): string => `trmum1${hex(12)}`;
/** Upstream carrier: `car` + 16 hex (64 bits). */
export const newCarrierSid = (): string => `car${hex(8)}`;
/** Carrier route: `rte` + 16 hex (64 bits). */
export const newCarrierRouteSid = (): string => `rte${hex(8)}`;
