import type { Config } from '../config/config.js';
import type { Store } from '../store/types.js';
import type { ListCache } from './list-cache.js';

/** What every route plugin receives. */
export interface RouteDeps {
  store: Store;
  config: Readonly<Config>;
  lists: ListCache;
}

export interface AccountParams {
  account_sid: string;
}

export interface TrunkParams extends AccountParams {
  trunk_sid: string;
}

export const accountParamsSchema = {
  type: 'object',
  properties: { account_sid: { type: 'string', description: 'your account SID' } },
  required: ['account_sid'],
} as const;

export const trunkParamsSchema = {
  type: 'object',
  properties: {
    account_sid: { type: 'string', description: 'your account SID' },
    trunk_sid: { type: 'string', description: 'the trunk_sid returned by Create Trunk' },
  },
  required: ['account_sid', 'trunk_sid'],
} as const;

export function itemParamsSchema(description: string) {
  return {
    type: 'object',
    properties: { ...trunkParamsSchema.properties, id: { type: 'string', description } },
    required: ['account_sid', 'trunk_sid', 'id'],
  } as const;
}
