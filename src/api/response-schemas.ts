/**
 * Response schemas, for the OpenAPI document only: the app serializes with JSON.stringify
 * (see `app.ts`), so these describe answers without being able to truncate them.
 * `test/api/response-schemas.test.ts` checks real answers against the documented field lists.
 */
const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (type: string) => ({ type: [type, 'null'] }) as const;
const timestamp = { type: 'string', description: 'ISO-8601 UTC, e.g. 2025-01-22T10:00:00Z' } as const;

function object(properties: Record<string, unknown>) {
  return { type: 'object', properties, required: Object.keys(properties) } as const;
}

export const errorDataSchema = object({
  code: { type: 'integer', description: 'vSIP error code (docs/errors.md)' },
  message: str,
  description: str,
});

export const trunkSchema = object({
  trunk_sid: str,
  trunk_name: str,
  nso_code: str,
  domain_name: str,
  status: { type: 'string', enum: ['active', 'inactive'] },
  auth_type: str,
  registration_enabled: bool,
  edge_preference: nullable('string'),
  secure_trunking: bool,
  max_calls_per_second: nullable('integer'),
  max_concurrent_calls: nullable('integer'),
  date_created: timestamp,
  date_updated: timestamp,
  links: object({
    phone_numbers: str,
    whitelisted_ips: str,
    destination_uris: str,
    credentials: str,
    settings: str,
    calls: str,
  }),
});

export const phoneNumberSchema = object({
  id: str,
  trunk_sid: str,
  phone_number: str,
  mode: { type: 'string', enum: ['pstn', 'flow'] },
  date_created: timestamp,
  date_updated: timestamp,
});
export const whitelistedIpSchema = object({
  id: str,
  trunk_sid: str,
  ip: str,
  mask: int,
  date_created: timestamp,
  date_updated: timestamp,
});
/** Whitelist IP's answer: the item, plus what an operator should know about it (a range wider than /16). */
export const whitelistedIpCreatedSchema = {
  ...whitelistedIpSchema,
  properties: {
    ...whitelistedIpSchema.properties,
    warnings: { type: 'array', items: str, description: 'e.g. a range wider than /16; empty when none' },
  },
  required: [...whitelistedIpSchema.required, 'warnings'],
} as const;
export const destinationUriSchema = object({
  id: str,
  trunk_sid: str,
  destination: str,
  priority: int,
  weight: int,
  date_created: timestamp,
  date_updated: timestamp,
});
export const settingSchema = object({ name: str, value: str, date_created: timestamp, date_updated: timestamp });
export const credentialsSchema = object({ username: { type: 'string', description: 'the trunk_sid' }, password: str });
export const callSchema = object({
  id: str,
  call_id: str,
  direction: { type: 'string', enum: ['termination', 'origination'] },
  caller: nullable('string'),
  callee: nullable('string'),
  source_ip: str,
  source_port: int,
  transport: str,
  final_code: nullable('integer'),
  cause: nullable('string'),
  destination: nullable('string'),
  started_at: timestamp,
  answered_at: nullable('string'),
  ended_at: nullable('string'),
  duration_ms: nullable('integer'),
  explanation: {
    description: 'why a failed call failed and how to fix it (as `vsip explain`); null unless final_code >= 300',
    anyOf: [object({ meaning: str, explanation: str, fix: str, topic: nullable('string') }), { type: 'null' }],
  },
  media: {
    type: ['object', 'null'],
    additionalProperties: true,
    description:
      'What the media engine saw of the call: engine, and per party (pbx, carrier) the RTP packets, bytes and ' +
      'errors it received, from (address:port), lastPacket (unix s), codec, lost, jitterMs; null when not anchored',
  },
  flow_note: {
    ...nullable('string'),
    description:
      "a mode: flow number's call: what the call-routing webhook answered, or why vsip fell back (docs/flow.md)",
  },
});
export const deletedSchema = (idField: string) => object({ [idField]: str, deleted: bool });

const metadataSchema = object({
  total: int,
  offset: int,
  page_size: int,
  count: int,
  first_page_uri: str,
  prev_page_uri: nullable('string'),
  next_page_uri: nullable('string'),
});

function envelopeOf(response: Record<string, unknown>, description: string, required = Object.keys(response)) {
  return {
    description,
    ...object({ request_id: str, method: str, http_code: int, response: { ...object(response), required } }),
  };
}

const failure = envelopeOf(
  { code: int, status: { type: 'string', enum: ['failure'] }, error_data: errorDataSchema, data: { type: 'null' } },
  'Failure: error_data says why (docs/errors.md)',
);

const itemResult = (data: unknown) =>
  object({
    code: int,
    status: { type: 'string', enum: ['success', 'failure'] },
    error_data: { anyOf: [errorDataSchema, { type: 'null' }] },
    data: { anyOf: [data, { type: 'null' }] },
  });

export function okResponses(data: unknown) {
  return {
    200: envelopeOf(
      { code: int, status: { type: 'string', enum: ['success'] }, error_data: { type: 'null' }, data },
      'Success',
    ),
    '4xx': failure,
  };
}

export function listResponses(item: unknown) {
  return {
    200: envelopeOf(
      {
        code: int,
        status: { type: 'string', enum: ['success'] },
        error_data: { type: 'null' },
        data: { type: 'array', items: item },
        metadata: metadataSchema,
      },
      'One page of the list',
    ),
    '4xx': failure,
  };
}

export function bulkResponses(item: unknown) {
  const body = (status: string[]) => ({
    code: int,
    status: { type: 'string', enum: status },
    error_data: { anyOf: [errorDataSchema, { type: 'null' }] },
    data: { type: 'array', items: itemResult(item) },
  });
  return {
    200: envelopeOf(body(['success']), 'Every item succeeded; data has one result per item'),
    207: envelopeOf(body(['failure']), 'Some items failed (error 1030); data has one result per item'),
    '4xx': envelopeOf(body(['failure']), 'Every item failed, or the request itself was rejected'),
  };
}

/** `GET /trunks`: one trunk with `?trunk_sid=`, else a page of trunks with metadata. */
export function oneOrListResponses(item: unknown) {
  return {
    200: envelopeOf(
      {
        code: int,
        status: { type: 'string', enum: ['success'] },
        error_data: { type: 'null' },
        data: { anyOf: [item, { type: 'array', items: item }] },
        metadata: metadataSchema,
      },
      'With ?trunk_sid=: that trunk; otherwise one page of trunks with metadata',
      ['code', 'status', 'error_data', 'data'],
    ),
    '4xx': failure,
  };
}
