import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Page, PageRequest, Store } from '../../store/types.js';
import { ApiError } from '../errors.js';
import { deletedSchema, okResponses } from '../response-schemas.js';
import { ok, requireTrunk } from '../respond.js';
import { itemParamsSchema, trunkParamsSchema, type RouteDeps, type TrunkParams } from '../route-deps.js';
import { trunkListRoute } from './trunk-list-route.js';

export type ItemParams = TrunkParams & { id: string };

/** What one kind of numbered trunk item (phone number, whitelisted IP, destination URI) differs in. */
export interface TrunkItemSpec<R, CreateBody, UpdateBody> {
  /** The URL segment under `/trunks/:trunk_sid/`. */
  path: string;
  tags: string[];
  recordSchema: unknown;
  present: (record: R) => unknown;
  /** Describes `:id` in the path and `?id=` on the query-string delete. */
  ids: { path: string; query: string };
  notFound: (id: string) => string;
  summaries: { list: string; get: string; remove: string; removeByPath: string };
  store: {
    list: (store: Store, accountSid: string, trunkSid: string, page: PageRequest) => Promise<Page<R>>;
    get: (store: Store, accountSid: string, trunkSid: string, id: string) => Promise<R | null>;
    remove: (store: Store, accountSid: string, trunkSid: string, id: string) => Promise<void>;
  };
  /** `POST` of the collection: single or bulk, so the item says how it answers. */
  create: {
    summary: string;
    response: unknown;
    body: unknown;
    handler: (
      store: Store,
      request: FastifyRequest<{ Params: TrunkParams; Body: CreateBody }>,
      reply: FastifyReply,
    ) => Promise<unknown>;
  };
  /** `PUT /:id`: `current` reads the item or throws this item's 404. */
  update: {
    summary: string;
    description: string;
    properties: unknown;
    apply: (store: Store, params: ItemParams, body: UpdateBody, current: () => Promise<R>) => Promise<R>;
  };
}

/**
 * The routes of a numbered item under a trunk: create, paged list, get, update, and delete by
 * `?id=` (the spec's form) or by path. Registered in this order, which is the order of the
 * OpenAPI document and the Postman collection generated from it.
 */
export function trunkItemRoutes<R, CreateBody, UpdateBody>(spec: TrunkItemSpec<R, CreateBody, UpdateBody>) {
  return async function routes(app: FastifyInstance, { store, lists }: RouteDeps): Promise<void> {
    const { tags, recordSchema, present } = spec;
    const base = `/trunks/:trunk_sid/${spec.path}`;
    const itemParams = itemParamsSchema(spec.ids.path);
    const current = async (p: ItemParams) => {
      const found = await spec.store.get(store, p.account_sid, p.trunk_sid, p.id);
      if (found === null) throw new ApiError('NOT_FOUND', spec.notFound(p.id));
      return found;
    };

    app.post<{ Params: TrunkParams; Body: CreateBody }>(
      base,
      {
        schema: {
          tags,
          summary: spec.create.summary,
          response: spec.create.response,
          params: trunkParamsSchema,
          body: spec.create.body,
        },
      },
      (request, reply) => spec.create.handler(store, request, reply),
    );

    trunkListRoute(app, lists, {
      url: base,
      tags,
      summary: spec.summaries.list,
      itemSchema: recordSchema,
      present,
      // An empty page may mean the trunk is not this account's (answered 404); a full one proves it is.
      load: async (accountSid, trunkSid, page) => {
        const result = await spec.store.list(store, accountSid, trunkSid, page);
        if (result.items.length === 0) await requireTrunk(store, accountSid, trunkSid);
        return result;
      },
    });

    app.get<{ Params: ItemParams }>(
      `${base}/:id`,
      {
        schema: { tags, summary: spec.summaries.get, response: okResponses(recordSchema), params: itemParams },
      },
      async (request) => ok(request, present(await current(request.params))),
    );

    app.put<{ Params: ItemParams; Body: UpdateBody }>(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: spec.update.summary,
          response: okResponses(recordSchema),
          params: itemParams,
          body: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            description: spec.update.description,
            properties: spec.update.properties,
          },
        },
      },
      async (request) =>
        ok(
          request,
          present(
            await spec.update.apply(store, request.params, request.body as UpdateBody, () => current(request.params)),
          ),
        ),
    );

    async function remove(accountSid: string, trunkSid: string, id: string) {
      await spec.store.remove(store, accountSid, trunkSid, id);
      return { id, deleted: true };
    }

    app.delete<{ Params: TrunkParams; Querystring: { id: string } }>(
      base,
      {
        schema: {
          tags,
          summary: spec.summaries.remove,
          response: okResponses(deletedSchema('id')),
          params: trunkParamsSchema,
          querystring: {
            type: 'object',
            additionalProperties: false,
            required: ['id'],
            properties: { id: { type: 'string', minLength: 1, description: spec.ids.query } },
          },
        },
      },
      async (request) =>
        ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.query.id)),
    );

    app.delete<{ Params: ItemParams }>(
      `${base}/:id`,
      {
        schema: {
          tags,
          summary: spec.summaries.removeByPath,
          response: okResponses(deletedSchema('id')),
          params: itemParams,
        },
      },
      async (request) =>
        ok(request, await remove(request.params.account_sid, request.params.trunk_sid, request.params.id)),
    );
  };
}
