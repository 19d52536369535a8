import type { FastifyInstance, FastifyRequest } from 'fastify';
import { runDoctor } from '../../cli/doctor/run-doctor.js';
import type { FetchLike } from '../../client/types.js';
import { VsipClient } from '../../client/vsip-client.js';
import type { Config } from '../../config/config.js';
import { ApiError } from '../errors.js';
import { okResponses } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { trunkParamsSchema, type TrunkParams } from '../route-deps.js';
import type { RouteDeps } from '../route-deps.js';
import type { SipListener } from './health.js';

export interface DoctorRouteDeps extends RouteDeps {
  sipListeners: () => readonly SipListener[];
}

interface DoctorBody {
  direction?: 'termination' | 'origination';
  pbx_ip?: string;
  number?: string;
}

/** Per network check; a run probes the gateway and each destination once. */
const PROBE_TIMEOUT_MS = 3000;

const checkSchema = {
  type: 'object',
  properties: {
    n: { type: 'integer' },
    id: { type: 'string' },
    check: { type: 'string' },
    verify: { type: 'string' },
    status: { type: 'string', enum: ['pass', 'fail', 'skip', 'warn'] },
    detail: { type: 'string' },
    fix: { type: ['string', 'null'] },
  },
  required: ['n', 'id', 'check', 'verify', 'status', 'detail', 'fix'],
} as const;
const reportSchema = {
  type: 'object',
  properties: {
    trunk_sid: { type: 'string' },
    direction: { type: 'string', enum: ['termination', 'origination'] },
    passed: { type: 'boolean' },
    checks: { type: 'array', items: checkSchema },
    recent_failed_calls: { type: 'array', items: { type: 'object' } },
  },
  required: ['trunk_sid', 'direction', 'passed', 'checks', 'recent_failed_calls'],
} as const;

/**
 * `vsip doctor` run by the server: the spec's "First Successful Call Validation" checklist with
 * live results, for clients without a shell (the console's First call page). The API reads go
 * through this same app with the caller's own credentials (so the run sees exactly what the caller
 * may see, and counts against its rate limit); the network probes start from the server, which is
 * where the gateway is, and only reach the gateway and the trunk's own destination URIs.
 */
export async function doctorRoutes(app: FastifyInstance, deps: DoctorRouteDeps): Promise<void> {
  // One run per account at a time: each run opens probe sockets, so a client cannot multiply them.
  const running = new Set<string>();
  app.post<{ Params: TrunkParams; Body: DoctorBody | undefined }>(
    '/trunks/:trunk_sid/doctor',
    {
      schema: {
        tags: ['Doctor'],
        summary: 'Run the first-call checklist for the trunk (vsip doctor, server side)',
        response: okResponses(reportSchema),
        params: trunkParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            direction: {
              type: 'string',
              enum: ['termination', 'origination'],
              description: 'termination (PBX → PSTN, default) or origination (PSTN → your destinations)',
              examples: ['termination'],
            },
            pbx_ip: {
              type: 'string',
              format: 'ipv4',
              description: 'your PBX public IP: checked against the whitelist',
              examples: ['127.0.0.1'],
            },
            number: { type: 'string', pattern: '^\\+[1-9][0-9]{6,14}$', description: 'an E.164 number to check' },
          },
        },
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      await requireTrunk(deps.store, account_sid, trunk_sid);
      if (running.has(account_sid))
        throw new ApiError('RATE_LIMITED', 'a doctor run of this account is in progress; retry when it ends', {
          'Retry-After': '5',
        });
      running.add(account_sid);
      try {
        return ok(request, await run(request, account_sid, trunk_sid));
      } finally {
        running.delete(account_sid);
      }
    },
  );

  async function run(
    request: FastifyRequest<{ Params: TrunkParams; Body: DoctorBody | undefined }>,
    account_sid: string,
    trunk_sid: string,
  ) {
    const authorization = request.headers.authorization ?? '';
    const fetch: FetchLike = async (input, init) => {
      const url = new URL(input);
      const res = await app.inject({
        method: init.method as 'GET',
        url: `${url.pathname}${url.search}`,
        headers: { ...init.headers, authorization },
        ...(init.body !== undefined ? { payload: init.body } : {}),
      });
      return {
        status: res.statusCode,
        headers: { get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null },
        text: async () => res.body,
      };
    };
    // Key and token are unused: `fetch` forwards the caller's own Authorization header.
    const client = new VsipClient({
      baseUrl: 'http://vsip.internal',
      accountSid: account_sid,
      apiKey: '-',
      apiToken: '-',
      fetch,
      rateLimitRetries: 0,
    });
    const body = request.body ?? {};
    const report = await runDoctor(client, {
      trunkSid: trunk_sid,
      direction: body.direction ?? 'termination',
      ...(body.pbx_ip !== undefined ? { pbxIp: body.pbx_ip } : {}),
      ...(body.number !== undefined ? { number: body.number } : {}),
      gateway: gatewayOf(deps.sipListeners(), deps.config),
      timeoutMs: PROBE_TIMEOUT_MS,
      callsLimit: 5,
    });
    return report;
  }
}

/** Where this server's own gateway answers; a wildcard bind is probed on loopback. */
function gatewayOf(
  listeners: readonly SipListener[],
  config: Readonly<Config>,
): { host: string; sipPort: number; sipsPort: number } {
  const tcp = listeners.find((l) => l.side === 'access' && l.protocol === 'tcp');
  const tls = listeners.find((l) => l.side === 'access' && l.protocol === 'tls');
  const bound = tcp?.address ?? config.sipHost;
  const host = bound === '0.0.0.0' || bound === '::' ? '127.0.0.1' : bound;
  return { host, sipPort: tcp?.port ?? config.sipPort, sipsPort: tls?.port ?? config.sipsPort };
}
