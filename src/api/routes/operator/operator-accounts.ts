import type { FastifyInstance } from 'fastify';
import type { Store } from '../../../store/types.js';
import { ApiError } from '../../errors.js';
import { listMetadata, pageQuerySchema, parsePage } from '../../pagination.js';
import { deletedSchema, listResponses, okResponses } from '../../response-schemas.js';
import { ok } from '../../respond.js';
import {
  accountCredentialsSchema,
  operatorAccountSchema,
  presentAccount,
  presentCredentials,
} from './operator-schemas.js';

interface AccountParams {
  account_sid: string;
}

const params = {
  type: 'object',
  properties: { account_sid: { type: 'string', description: 'an account SID' } },
  required: ['account_sid'],
} as const;

export const OPERATOR_SECURITY = [{ operatorToken: [] }];

/**
 * `/v2/operator/accounts`: the operator's view of accounts. Create answers with the API token
 * once (as `vsip accounts create` does); suspension takes effect on the account's next API call
 * and next SIP call (the change event reaches the auth cache and the gateway snapshot).
 */
export async function operatorAccountRoutes(
  app: FastifyInstance,
  {
    store,
    forget,
  }: {
    store: Store;
    /**
     * Drops this process's cached logins of the account, so that suspension, rotation and deletion
     * hold from the very next request here; other API processes follow the store's change event.
     */
    forget: (accountSid: string) => void;
  },
): Promise<void> {
  const tags = ['Operator: accounts'];
  const security = OPERATOR_SECURITY;

  async function requireAccount(sid: string) {
    const account = await store.getAccount(sid);
    if (account === null) throw new ApiError('NOT_FOUND', `account_sid ${JSON.stringify(sid)} is not an account`);
    return account;
  }

  app.post<{ Body: { name: string } }>(
    '/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'Create an account (answers its API key and token, the token only this once)',
        response: okResponses(accountCredentialsSchema),
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: {
            name: {
              type: 'string',
              pattern: '^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$',
              description: 'a label: 1-64 of A-Z, a-z, 0-9, space, _ . - (starting with a letter or digit)',
              examples: ['Acme Support'],
            },
          },
        },
      },
    },
    async (request) => ok(request, presentCredentials(await store.createAccount(request.body.name))),
  );

  app.get<{ Querystring: { offset?: string; page_size?: string } }>(
    '/accounts',
    {
      schema: {
        tags,
        security,
        summary: 'List accounts (never their tokens)',
        response: listResponses(operatorAccountSchema),
        querystring: { type: 'object', additionalProperties: false, properties: pageQuerySchema },
      },
    },
    async (request) => {
      const page = parsePage(request.query);
      const result = await store.listAccountsPage(page);
      return ok(
        request,
        result.items.map(presentAccount),
        listMetadata(request.url, page, result.total, result.items.length),
      );
    },
  );

  app.get<{ Params: AccountParams }>(
    '/accounts/:account_sid',
    { schema: { tags, security, summary: 'Get an account', response: okResponses(operatorAccountSchema), params } },
    async (request) => ok(request, presentAccount(await requireAccount(request.params.account_sid))),
  );

  for (const [action, status, summary] of [
    ['suspend', 'suspended', "Suspend an account: its API calls and its trunks' calls get 403"],
    ['resume', 'active', 'Resume a suspended account'],
  ] as const) {
    app.post<{ Params: AccountParams }>(
      `/accounts/:account_sid/${action}`,
      { schema: { tags, security, summary, response: okResponses(operatorAccountSchema), params } },
      async (request) => {
        const account = await store.setAccountStatus(request.params.account_sid, status);
        forget(account.sid);
        return ok(request, presentAccount(account));
      },
    );
  }

  app.post<{ Params: AccountParams }>(
    '/accounts/:account_sid/token',
    {
      schema: {
        tags,
        security,
        summary: 'Rotate the API token (the old one stops working at once; the new one is shown once)',
        response: okResponses(accountCredentialsSchema),
        params,
      },
    },
    async (request) => {
      await requireAccount(request.params.account_sid);
      const creds = await store.rotateAccountToken(request.params.account_sid);
      forget(creds.accountSid);
      return ok(request, presentCredentials(creds));
    },
  );

  app.delete<{ Params: AccountParams }>(
    '/accounts/:account_sid',
    {
      schema: {
        tags,
        security,
        summary: 'Delete an account with its trunks and everything under them',
        response: okResponses(deletedSchema('account_sid')),
        params,
      },
    },
    async (request) => {
      await store.deleteAccount(request.params.account_sid);
      forget(request.params.account_sid);
      return ok(request, { account_sid: request.params.account_sid, deleted: true });
    },
  );
}
