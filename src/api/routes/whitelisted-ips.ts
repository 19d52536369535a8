import type { WhitelistedIp } from '../../store/types.js';
import { presentWhitelistedIp } from '../present.js';
import { whitelistBreadthWarning } from '../../net/whitelist-breadth.js';
import { okResponses, whitelistedIpCreatedSchema, whitelistedIpSchema } from '../response-schemas.js';
import { ok } from '../respond.js';
import { serverCheck } from '../server-check.js';
import {
  IP_EXPECTED,
  IPV4_PATTERN,
  MASK_EXPECTED,
  MASK_SCHEMA,
  ipv4Network,
  parseMask,
} from '../validation/ipv4-network.js';
import { trunkItemRoutes } from './trunk-item-routes.js';

interface IpBody {
  ip?: string;
  mask?: number | string;
}

const HOST_BITS = serverCheck('ip and mask together: the address has no bits set beyond the mask');

/** `mask` also accepts a numeric string ("32"): forms and shell scripts send those, and it is unambiguous. */
const fields = {
  ip: {
    type: 'string',
    minLength: 1,
    maxLength: 15,
    pattern: IPV4_PATTERN,
    description: IP_EXPECTED.replace(/^expected /, ''),
    examples: ['203.0.113.10'],
    ...HOST_BITS,
  },
  mask: { anyOf: MASK_SCHEMA, description: MASK_EXPECTED.replace(/^expected /, ''), examples: [32], ...HOST_BITS },
} as const;

export const whitelistedIpRoutes = trunkItemRoutes<WhitelistedIp, IpBody, IpBody>({
  path: 'whitelisted-ips',
  tags: ['Whitelisted IPs'],
  recordSchema: whitelistedIpSchema,
  present: presentWhitelistedIp,
  ids: { path: 'the numeric id returned by Whitelist IP', query: 'the numeric id of the whitelisted IP' },
  notFound: (id) => `whitelisted IP id ${JSON.stringify(id)} is not on this trunk`,
  summaries: {
    list: 'Get Whitelisted IPs',
    get: 'Get one whitelisted IP',
    remove: 'Remove a whitelisted IP',
    removeByPath: 'Remove a whitelisted IP by path',
  },
  store: {
    list: (store, accountSid, trunkSid, page) => store.listWhitelistedIps(accountSid, trunkSid, page),
    get: (store, accountSid, trunkSid, id) => store.getWhitelistedIp(accountSid, trunkSid, id),
    remove: (store, accountSid, trunkSid, id) => store.deleteWhitelistedIp(accountSid, trunkSid, id),
  },
  create: {
    summary: 'Whitelist IP (Map ACL to Trunk)',
    response: okResponses(whitelistedIpCreatedSchema),
    body: { type: 'object', additionalProperties: false, required: ['ip', 'mask'], properties: fields },
    handler: async (store, request) => {
      const { account_sid, trunk_sid } = request.params;
      const net = ipv4Network(request.body.ip ?? '', parseMask(request.body.mask));
      const item = presentWhitelistedIp(await store.addWhitelistedIp(account_sid, trunk_sid, net.ip, net.mask));
      const warning = whitelistBreadthWarning(item.ip, item.mask);
      return ok(request, { ...item, warnings: warning === null ? [] : [warning] });
    },
  },
  update: {
    summary: 'Update a whitelisted IP',
    description: 'ip and/or mask',
    properties: fields,
    // ip and mask are validated together (host bits must be zero), so a missing one comes from the stored item.
    apply: async (store, { account_sid, trunk_sid, id }, body, current) => {
      const stored = await current();
      const mask = body.mask === undefined ? stored.mask : parseMask(body.mask);
      const net = ipv4Network(body.ip ?? stored.ip, mask);
      return store.updateWhitelistedIp(account_sid, trunk_sid, id, net);
    },
  },
});
