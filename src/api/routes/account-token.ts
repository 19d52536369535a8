import type { FastifyInstance } from 'fastify';
import { okResponses } from '../response-schemas.js';
import { ok } from '../respond.js';
import { accountParamsSchema, type AccountParams } from '../route-deps.js';
import type { RouteDeps } from '../route-deps.js';

const str = { type: 'string' } as const;
const tokenSchema = {
  type: 'object',
  properties: {
    account_sid: str,
    api_key: str,
    api_token: { type: 'string', description: 'the new API token: shown only in this answer, stored as a hash' },
  },
  required: ['account_sid', 'api_key', 'api_token'],
} as const;

/**
 * Token rotation by the account itself (what `vsip accounts rotate-token` does in the store), so
 * the console's API settings page, like any client, can replace a leaked token without shell
 * access. The old token stops working at once: the store's account change event empties the
 * auth cache (see app.ts).
 */
export async function accountTokenRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  app.post<{ Params: AccountParams }>(
    '/api-token/rotate',
    {
      schema: {
        tags: ['Account'],
        summary: 'Rotate the API token (the new token is shown once; the old one stops working at once)',
        response: okResponses(tokenSchema),
        params: accountParamsSchema,
      },
    },
    async (request) => {
      const creds = await store.rotateAccountToken(request.params.account_sid);
      return ok(request, { account_sid: creds.accountSid, api_key: creds.apiKey, api_token: creds.apiToken });
    },
  );
}
