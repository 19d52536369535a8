import type { FastifyInstance } from 'fastify';
import { presentSetting } from '../present.js';
import { bulkResponses, deletedSchema, okResponses, settingSchema } from '../response-schemas.js';
import { bulk, ok, requireTrunk } from '../respond.js';
import { trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { serverCheck } from '../server-check.js';
import { SETTING_RULES, normaliseSetting } from '../setting-rules.js';
import { trunkListRoute } from './trunk-list-route.js';

const names = Object.keys(SETTING_RULES);

/** Items of a list are checked one by one: a bad one fails alone, in its result (207). */
const PER_ITEM = serverCheck('a known name, and a value in its format; checked per item (a bad item fails alone, 207)');

export async function settingRoutes(app: FastifyInstance, { store, lists }: RouteDeps): Promise<void> {
  const tags = ['Settings'];
  const base = '/trunks/:trunk_sid/settings';

  app.post<{ Params: TrunkParams; Body: { settings: Array<{ name: string; value: string }> } }>(
    base,
    {
      schema: {
        tags,
        summary: 'Set trunk settings, e.g. Set Trunk Alias (answered per item, 207 on partial success)',
        response: bulkResponses(settingSchema),
        params: trunkParamsSchema,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['settings'],
          properties: {
            settings: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              description: 'an array of 1-20 objects {name, value}',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'value'],
                properties: {
                  name: {
                    type: 'string',
                    minLength: 1,
                    maxLength: 64,
                    description: `a setting name: ${names.join(', ')}`,
                    examples: ['trunk_external_alias'],
                    ...PER_ITEM,
                  },
                  value: {
                    type: 'string',
                    maxLength: 256,
                    description: 'the value, in the format of that setting',
                    examples: ['+14155550100'],
                    ...PER_ITEM,
                  },
                },
              },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const { account_sid, trunk_sid } = request.params;
      await requireTrunk(store, account_sid, trunk_sid);
      return bulk(request, reply, request.body.settings, async (item, i) => {
        const value = normaliseSetting(i, item.name, item.value);
        return presentSetting(await store.setSetting(account_sid, trunk_sid, item.name, value));
      });
    },
  );

  trunkListRoute(app, lists, {
    url: base,
    tags,
    summary: 'Get trunk settings',
    itemSchema: settingSchema,
    present: presentSetting,
    // Few per trunk and ordered by name: paged here rather than in SQL.
    load: async (accountSid, trunkSid, page) => {
      await requireTrunk(store, accountSid, trunkSid);
      const all = await store.listSettings(accountSid, trunkSid);
      return { items: all.slice(page.offset, page.offset + page.limit), total: all.length };
    },
  });

  app.delete<{ Params: TrunkParams; Querystring: { name: string } }>(
    base,
    {
      schema: {
        tags,
        summary: 'Remove a trunk setting',
        response: okResponses(deletedSchema('name')),
        params: trunkParamsSchema,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: {
              type: 'string',
              minLength: 1,
              description: `the setting name: ${names.join(', ')}`,
              examples: ['trunk_external_alias'],
            },
          },
        },
      },
    },
    async (request) => {
      const { account_sid, trunk_sid } = request.params;
      await store.deleteSetting(account_sid, trunk_sid, request.query.name);
      return ok(request, { name: request.query.name, deleted: true });
    },
  );
}
