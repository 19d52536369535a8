import type { FastifyInstance } from 'fastify';
import type { SipNode } from '../../store/types.js';
import { okResponses } from '../response-schemas.js';
import { ok } from '../respond.js';
import { accountParamsSchema, type AccountParams, type RouteDeps } from '../route-deps.js';

/** A node is up while its heartbeat (every 10 s, src/gateway/node-heartbeat.ts) is younger than three beats. */
const NODE_STALE_MS = 30_000;

const address = {
  type: 'object',
  properties: {
    transport: { type: 'string', enum: ['udp', 'tcp', 'tls'] },
    address: { type: 'string', description: 'IP or host name to allow (and to point the PBX at)' },
    port: { type: 'integer' },
  },
  required: ['transport', 'address', 'port'],
} as const;
/** One region's entry (also in a single trunk's data, as `gateway`: the addresses of its region). */
export const regionItemSchema = {
  type: 'object',
  properties: {
    region: { type: 'string', description: 'the region name; a trunk selects one with edge_preference' },
    api_url: { type: ['string', 'null'], description: "the API's public URL for this region (--public-api-url)" },
    signalling: { type: 'array', items: address, description: 'SIP addresses a firewall must allow' },
    rtp_ports: {
      type: 'array',
      items: { type: 'string' },
      description: 'UDP port ranges (min-max) media comes from; empty when the nodes do not know theirs',
    },
    nodes: { type: 'integer', description: 'SIP nodes up in the region' },
  },
  required: ['region', 'api_url', 'signalling', 'rtp_ports', 'nodes'],
} as const;
const regionSchema = {
  type: 'array',
  items: regionItemSchema,
} as const;

/** The addresses of the SIP nodes that are up, per region: the spec's firewall table, for real. */
export function gatewaysByRegion(nodes: readonly SipNode[]) {
  const regions = new Map<
    string,
    { region: string; api_url: string | null; signalling: SipNode['signalling']; rtp_ports: string[]; nodes: number }
  >();
  for (const n of nodes) {
    let r = regions.get(n.region);
    if (r === undefined) {
      r = { region: n.region, api_url: null, signalling: [], rtp_ports: [], nodes: 0 };
      regions.set(n.region, r);
    }
    r.nodes++;
    r.api_url ??= n.apiUrl;
    for (const s of n.signalling) {
      const seen = r.signalling.some(
        (x) => x.transport === s.transport && x.address === s.address && x.port === s.port,
      );
      if (!seen) r.signalling.push(s);
    }
    if (n.rtpPorts !== null && !r.rtp_ports.includes(n.rtpPorts)) r.rtp_ports.push(n.rtpPorts);
  }
  return [...regions.values()];
}

/** The addresses of one region's nodes that are up (a trunk's `gateway`), null when none is up. */
export async function regionGateway(store: RouteDeps['store'], region: string) {
  const since = new Date(Date.now() - NODE_STALE_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return gatewaysByRegion(await store.listSipNodes(since)).find((r) => r.region === region) ?? null;
}

export async function gatewayRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  app.get<{ Params: AccountParams }>(
    '/gateways',
    {
      schema: {
        tags: ['Gateways'],
        summary: 'SIP gateway addresses to allow, per region',
        description:
          'The signalling addresses (transport, address, port) and RTP port ranges a customer firewall must ' +
          'allow, and the API URL, for each region with a SIP node up. Nodes join and leave as they start and stop.',
        response: okResponses(regionSchema),
        params: accountParamsSchema,
      },
    },
    async (request) => {
      const since = new Date(Date.now() - NODE_STALE_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');
      return ok(request, gatewaysByRegion(await store.listSipNodes(since)));
    },
  );
}
