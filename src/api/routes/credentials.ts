import type { FastifyInstance } from 'fastify';
import { credentialsSchema, okResponses } from '../response-schemas.js';
import { ok } from '../respond.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';

/**
 * SIP digest credentials of a trunk: username is the trunk_sid, the password is decrypted by the
 * store only for this answer. Rotation replaces the password at once; the new one is returned.
 */
export async function credentialRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const tags = ['Credentials'];

  app.get<{ Params: TrunkParams }>(
    '/trunks/:trunk_sid/credentials',
    {
      schema: {
        tags,
        summary: 'Get Credentials (SIP username and password)',
        response: okResponses(credentialsSchema),
        params: trunkParamsSchema,
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      return ok(request, { username: trunk_sid, password: await store.getSipPassword(account_sid, trunk_sid) });
    },
  );

  app.post<{ Params: TrunkParams }>(
    '/trunks/:trunk_sid/credentials/rotate',
    {
      schema: {
        tags,
        summary: 'Rotate the SIP password (the old one stops working at once)',
        response: okResponses(credentialsSchema),
        params: trunkParamsSchema,
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      return ok(request, { username: trunk_sid, password: await store.rotateSipPassword(account_sid, trunk_sid) });
    },
  );
}
