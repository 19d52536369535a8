import type { CallRecord, DestinationUri, PhoneNumber, Trunk, TrunkSetting, WhitelistedIp } from '../store/types.js';

/**
 * Store records → the API's snake_case JSON, field names as in Exotel's public reference.
 * Pure functions; the only place where the wire shape of a resource is decided.
 */
export function trunkPath(accountSid: string, trunkSid: string): string {
  return `/v2/accounts/${accountSid}/trunks/${trunkSid}`;
}

export function presentTrunk(t: Trunk) {
  const base = trunkPath(t.accountSid, t.sid);
  return {
    trunk_sid: t.sid,
    trunk_name: t.name,
    nso_code: t.nsoCode,
    domain_name: t.domainName,
    status: t.status,
    auth_type: t.authType,
    registration_enabled: t.registrationEnabled,
    edge_preference: t.edgePreference,
    secure_trunking: t.secureTrunking,
    max_calls_per_second: t.maxCallsPerSecond,
    max_concurrent_calls: t.maxConcurrentCalls,
    date_created: t.dateCreated,
    date_updated: t.dateUpdated,
    links: {
      phone_numbers: `${base}/phone-numbers`,
      whitelisted_ips: `${base}/whitelisted-ips`,
      destination_uris: `${base}/destination-uris`,
      credentials: `${base}/credentials`,
      settings: `${base}/settings`,
      calls: `${base}/calls`,
    },
  };
}

export function presentPhoneNumber(n: PhoneNumber) {
  return {
    id: n.id,
    trunk_sid: n.trunkSid,
    phone_number: n.phoneNumber,
    mode: n.mode,
    date_created: n.dateCreated,
    date_updated: n.dateUpdated,
  };
}

export function presentWhitelistedIp(w: WhitelistedIp) {
  return {
    id: w.id,
    trunk_sid: w.trunkSid,
    ip: w.ip,
    mask: w.mask,
    date_created: w.dateCreated,
    date_updated: w.dateUpdated,
  };
}

export function presentDestinationUri(d: DestinationUri) {
  return {
    id: d.id,
    trunk_sid: d.trunkSid,
    destination: d.destination,
    priority: d.priority,
    weight: d.weight,
    date_created: d.dateCreated,
    date_updated: d.dateUpdated,
  };
}

export function presentSetting(s: TrunkSetting) {
  return { name: s.name, value: s.value, date_created: s.dateCreated, date_updated: s.dateUpdated };
}

export function presentCall(c: CallRecord) {
  return {
    id: c.id,
    call_id: c.callId,
    direction: c.direction,
    caller: c.caller,
    callee: c.callee,
    source_ip: c.sourceIp,
    source_port: c.sourcePort,
    transport: c.transport,
    final_code: c.finalCode,
    cause: c.cause,
    destination: c.destination,
    started_at: c.startedAt,
    answered_at: c.answeredAt,
    ended_at: c.endedAt,
    duration_ms: c.durationMs,
    media: c.media ?? null,
    flow_note: c.flowNote ?? null,
  };
}
