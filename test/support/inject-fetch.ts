import type { FastifyInstance } from 'fastify';
import type { FetchLike } from '../../src/client/index.js';

/**
 * The SDK's `fetch` answered by `app.inject()`: tests drive the API through `VsipClient` exactly as
 * a user does, without a listening socket (Fastify's testing guide: sockets only where they matter).
 */
export function injectFetch(app: FastifyInstance): FetchLike {
  return async (input, init) => {
    const url = new URL(input);
    const res = await app.inject({
      method: init.method as 'GET',
      url: `${url.pathname}${url.search}`,
      headers: init.headers,
      ...(init.body !== undefined ? { payload: init.body } : {}),
    });
    return {
      status: res.statusCode,
      headers: { get: (name: string) => (res.headers[name.toLowerCase()] as string | undefined) ?? null },
      text: async () => res.body,
    };
  };
}
