/** Database rows → contract records. The only place that knows 0/1 booleans and numeric ids. */
import type { Selectable } from 'kysely';
import type {
  AccountsTable,
  CallsTable,
  DestinationUrisTable,
  PhoneNumbersTable,
  RegistrationsTable,
  TrunkSettingsTable,
  TrunksTable,
  WhitelistedIpsTable,
} from './schema.js';
import type {
  Account,
  CallRecord,
  DestinationTransport,
  DestinationUri,
  NumberMode,
  PhoneNumber,
  Registration,
  Trunk,
  TrunkSetting,
  WhitelistedIp,
} from './types.js';

export const toAccount = (r: Selectable<AccountsTable>): Account => ({
  sid: r.sid,
  name: r.name,
  apiKey: r.api_key,
  dateCreated: r.created_at,
  status: r.status === 'suspended' ? 'suspended' : 'active',
});

/** Nullable integers: `pg` may hand back strings for bigint expressions. */
const intOrNull = (v: number | string | null): number | null => (v === null ? null : Number(v));

/** The media facts column; a value that does not parse (hand-edited) reads as none rather than failing the page. */
function parseMedia(v: string | null | undefined): CallRecord['media'] {
  if (v == null) return null;
  try {
    return JSON.parse(v) as CallRecord['media'];
  } catch {
    return null;
  }
}

export type TrunkRow = Omit<Selectable<TrunksTable>, 'sip_password_enc' | 'id'>;

export const toTrunk = (r: TrunkRow): Trunk => ({
  sid: r.sid,
  accountSid: r.account_sid,
  name: r.name,
  nsoCode: r.nso_code,
  domainName: r.domain_name,
  status: r.status as Trunk['status'],
  authType: r.auth_type as Trunk['authType'],
  registrationEnabled: Number(r.registration_enabled) === 1,
  edgePreference: r.edge_preference,
  secureTrunking: Number(r.secure_trunking) === 1,
  maxCallsPerSecond: intOrNull(r.max_cps),
  maxConcurrentCalls: intOrNull(r.max_concurrent),
  dateCreated: r.created_at,
  dateUpdated: r.updated_at,
});

export const toPhoneNumber = (r: Selectable<PhoneNumbersTable>): PhoneNumber => ({
  id: String(r.id),
  trunkSid: r.trunk_sid,
  phoneNumber: r.phone_number,
  mode: r.mode as NumberMode,
  dateCreated: r.created_at,
  dateUpdated: r.updated_at,
});

export const toWhitelistedIp = (r: Selectable<WhitelistedIpsTable>): WhitelistedIp => ({
  id: String(r.id),
  trunkSid: r.trunk_sid,
  ip: r.ip,
  mask: Number(r.mask),
  dateCreated: r.created_at,
  dateUpdated: r.updated_at,
});

export const toDestinationUri = (r: Selectable<DestinationUrisTable>): DestinationUri => ({
  id: String(r.id),
  trunkSid: r.trunk_sid,
  destination: r.destination,
  host: r.host,
  port: Number(r.port),
  transport: r.transport as DestinationTransport,
  priority: Number(r.priority),
  weight: Number(r.weight),
  dateCreated: r.created_at,
  dateUpdated: r.updated_at,
});

export const toSetting = (r: Selectable<TrunkSettingsTable>): TrunkSetting => ({
  name: r.name,
  value: r.value,
  dateCreated: r.created_at,
  dateUpdated: r.updated_at,
});

export const toRegistration = (r: Selectable<RegistrationsTable>): Registration => ({
  trunkSid: r.trunk_sid,
  contact: r.contact,
  sourceIp: r.source_ip,
  sourcePort: Number(r.source_port),
  transport: r.transport,
  userAgent: r.user_agent,
  expiresAt: r.expires_at,
  connectionId: r.connection_id ?? null,
  nodeId: r.node_id ?? null,
  registeredAt: r.registered_at ?? null,
});

export const toCall = (r: Selectable<CallsTable>): CallRecord => ({
  id: String(r.id),
  callId: r.call_id,
  accountSid: r.account_sid,
  trunkSid: r.trunk_sid,
  direction: r.direction as CallRecord['direction'],
  caller: r.caller,
  callee: r.callee,
  sourceIp: r.source_ip,
  sourcePort: Number(r.source_port),
  transport: r.transport,
  finalCode: intOrNull(r.final_code),
  cause: r.cause,
  destination: r.destination,
  startedAt: r.started_at,
  answeredAt: r.answered_at,
  endedAt: r.ended_at,
  durationMs: intOrNull(r.duration_ms),
  carrier: r.carrier ?? null,
  carrierAttempts: r.carrier_attempts ?? null,
  media: parseMedia(r.media),
  ...(r.flow_note != null ? { flowNote: r.flow_note } : {}),
});
