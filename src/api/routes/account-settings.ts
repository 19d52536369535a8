import type { FastifyInstance } from 'fastify';
import type { AccountSettings } from '../../store/types.js';
import { okResponses } from '../response-schemas.js';
import { ok } from '../respond.js';
import { accountParamsSchema, type AccountParams, type RouteDeps } from '../route-deps.js';

const settingsSchema = {
  type: 'object',
  properties: {
    cdr_retention_days: {
      type: 'integer',
      description: 'call records older than this many days are deleted by the retention job (default 90)',
    },
  },
  required: ['cdr_retention_days'],
} as const;

const present = (s: AccountSettings) => ({ cdr_retention_days: s.cdrRetentionDays });

/** Account-level settings: today the call-record retention. */
export async function accountSettingRoutes(app: FastifyInstance, { store }: RouteDeps): Promise<void> {
  const tags = ['Account'];
  app.get<{ Params: AccountParams }>(
    '/settings',
    {
      schema: {
        tags,
        summary: 'Account settings',
        params: accountParamsSchema,
        response: okResponses(settingsSchema),
      },
    },
    async (request) => ok(request, present(await store.getAccountSettings(request.params.account_sid))),
  );

  app.put<{ Params: AccountParams; Body: { cdr_retention_days?: number } }>(
    '/settings',
    {
      schema: {
        tags,
        summary: 'Update account settings',
        params: accountParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: {
            cdr_retention_days: {
              type: 'integer',
              minimum: 1,
              maximum: 3650,
              description: 'an integer 1-3650: days call records are kept',
            },
          },
        },
        response: okResponses(settingsSchema),
      },
    },
    async (request) => {
      const update: Partial<AccountSettings> = {};
      if (request.body.cdr_retention_days !== undefined) update.cdrRetentionDays = request.body.cdr_retention_days;
      return ok(request, present(await store.updateAccountSettings(request.params.account_sid, update)));
    },
  );
}
