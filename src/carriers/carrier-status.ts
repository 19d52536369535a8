import type { UriProbeState } from './carrier-prober.js';

/** What the operator API, `/metrics` and `vsip doctor` read of one carrier registration. */
export interface CarrierRegistrationState {
  carrierSid: string;
  carrierName: string;
  registrarUri: string;
  state: 'registering' | 'registered' | 'failing';
  /** The last REGISTER's final status, or `timeout` / `transport`; null before the first answer. */
  lastResult: number | 'timeout' | 'transport' | null;
  /** When the binding runs out (ms since the epoch), while registered. */
  expiresAt: number | null;
  /** When the next REGISTER goes out (ms since the epoch). */
  nextAttemptAt: number | null;
  /** The Contact registered: the carrier's calls to it are that carrier's. */
  contact: string;
}

/** The carrier side's live state, one object the API, the metrics and the doctor read. */
export interface CarrierStatus {
  uris(): UriProbeState[];
  registrations(): CarrierRegistrationState[];
}
