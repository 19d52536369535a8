import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Registry } from 'prom-client';
import type { Config } from '../config/config.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';
import { VERSION } from '../version.js';
import { accountGuard } from './account-guard.js';
import { apiMetrics } from './api-metrics.js';
import { AuthCache } from './auth-cache.js';
import { consoleRoutes } from './console-routes.js';
import { handleError } from './error-handler.js';
import { ListCache } from './list-cache.js';
import { ApiError } from './errors.js';
import { RateLimiter } from './rate-limiter.js';
import { RouteTable } from './route-table.js';
import { callRoutes } from './routes/calls.js';
import { cdrRoutes } from './routes/cdrs.js';
import { webhookRoutes } from './routes/webhooks.js';
import { configEvents } from './config-events.js';
import { accountSettingRoutes } from './routes/account-settings.js';
import { registrationRoutes } from './routes/registrations.js';
import { gatewayRoutes } from './routes/gateways.js';
import { credentialRoutes } from './routes/credentials.js';
import { destinationUriRoutes } from './routes/destination-uris.js';
import { healthRoutes, type SipListener } from './routes/health.js';
import { phoneNumberRoutes } from './routes/phone-numbers.js';
import { phoneNumberBulkRoutes } from './routes/phone-numbers-bulk.js';
import { settingRoutes } from './routes/settings.js';
import { trunkRoutes } from './routes/trunks.js';
import type { MediaStatus } from '../media/media-status.js';
import { whitelistedIpRoutes } from './routes/whitelisted-ips.js';
import { accountTokenRoutes } from './routes/account-token.js';
import { doctorRoutes } from './routes/doctor.js';
import { parseJsonBody } from './parse-json-body.js';
import { documentIdempotencyKey, idempotency } from './idempotency.js';
import { operatorGuard } from './operator-guard.js';
import { operatorAccountRoutes } from './routes/operator/operator-accounts.js';
import { operatorCarrierRoutes } from './routes/operator/operator-carriers.js';
import { operatorRouteRoutes } from './routes/operator/operator-routes.js';
import { operatorCarrierStatusRoutes } from './routes/operator/operator-carrier-status.js';
import type { CarrierStatus } from '../carriers/carrier-status.js';
import { shortRequestId } from './short-request-id.js';
import { clientErrorHandler } from './client-error-handler.js';
import { openapiOperation } from './openapi-operation.js';
import { SERVER_CHECK } from './server-check.js';
import type { Readiness } from '../server/readiness.js';

export interface AppDeps {
  store: Store;
  config: Readonly<Config>;
  logger: Logger;
  metrics: Registry;
  /**
   * TLS material for serving the API over HTTPS. When absent, `config.apiCert` and
   * `config.apiKeyFile` (PEM files) are read instead; with neither, the app speaks plain HTTP.
   */
  https?: { cert: string | Buffer; key: string | Buffer };
  /** This process's SIP listeners for `GET /health` (`vsip serve` fills them in once the gateway is up). */
  sipListeners?: () => readonly SipListener[];
  /**
   * `GET /metrics` text when it is more than `metrics` (with `--sip-workers`: this process's and the workers'
   * together).
   */
  metricsText?: () => Promise<string>;
  /** The media plane for `GET /health` (null: this process runs no gateway). */
  mediaStatus?: () => MediaStatus | null;
  /** `GET /ready`'s checks (`vsip serve` passes the process's list); without it, only the store is checked. */
  readiness?: Readiness;
  /** This process's gateway's carrier state (probes, registrations); null or absent: no gateway here. */
  carrierStatus?: () => CarrierStatus | null;
  /** How long a cached list page may live (ms); 0 disables the list cache (benchmarks). Default 2000. */
  listCacheTtlMs?: number;
}

/** Bodies are small JSON objects; 64 KiB leaves room for 20 destinations and rejects abuse early. */
export const BODY_LIMIT = 64 * 1024;

/**
 * Longest time one HTTP request (headers and body) may take to arrive: a slow-drip client holds
 * its socket no longer than this.
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Builds the REST API (routes, validation, auth, envelope, OpenAPI) without listening
 * (STYLE 11): `vsip serve` calls `listen()`, tests call `inject()`.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { store, config, logger } = deps;
  const https =
    deps.https ??
    (config.apiCert !== null && config.apiKeyFile !== null
      ? { cert: readFileSync(config.apiCert), key: readFileSync(config.apiKeyFile) }
      : undefined);

  const app = Fastify({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by our one (onResponse below).
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'request_id' }),
    genReqId: shortRequestId,
    bodyLimit: BODY_LIMIT,
    // Fastify's default of 0 lets a client drip a body (or a rejected request's unread body) one
    // byte at a time and hold the connection forever; Node enforces this bound on its
    // connectionsCheckingInterval (30 s), so a slow request gets 408 and is closed after 30-90 s
    // (a 1-byte-every-500-ms body was cut at 90 s in a manual run; still open after 130 s before).
    requestTimeout: REQUEST_TIMEOUT_MS,
    routerOptions: { ignoreTrailingSlash: true },
    // Requests Node's parser refuses (an unknown method such as BREW) get the envelope too.
    clientErrorHandler,
    // Errors the router raises before any route runs (bad percent-encoding, a path segment over
    // 100 characters) get the envelope too.
    frameworkErrors: (error, request, reply) => {
      const description =
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a path segment is longer than 100 characters'
          : 'the URL is not valid (check its percent-encoding)';
      handleError(new ApiError('INVALID_REQUEST', description), request, reply);
    },
    ajv: {
      customOptions: {
        coerceTypes: false,
        removeAdditional: false,
        allErrors: false,
        verbose: true,
        allowUnionTypes: true,
        useDefaults: true,
        // OpenAPI annotation on fields the server checks beyond their schema (server-check.ts).
        keywords: [SERVER_CHECK],
      },
    },
    ...(https !== undefined ? { https } : {}),
  }) as unknown as FastifyInstance;

  const routes = new RouteTable();
  const metrics = apiMetrics(deps.metrics);
  const auth = new AuthCache(store);
  const lists = new ListCache(deps.listCacheTtlMs ?? 2000);
  const unsubscribe = store.onChange((event) => {
    if (event.kind === 'account') auth.invalidateAccount(event.accountSid);
    else if (event.kind === 'trunk') lists.invalidate(event.trunkSid);
  });
  app.addHook('onClose', async () => unsubscribe());

  app.decorateRequest('account', null);
  // Only JSON bodies are accepted; without a text/plain parser such bodies get 415, not 400.
  app.removeContentTypeParser('text/plain');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  app.addHook('onRoute', (route) => routes.add(route.url, route.method));
  app.addHook('onRoute', openapiOperation(app));
  app.setErrorHandler(handleError);
  // Response schemas document answers in OpenAPI; they must never drop a field, so no
  // schema-driven serializer: plain JSON.stringify.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = routes.allowed(path);
    const error =
      allowed === null
        ? new ApiError('ROUTE_NOT_FOUND', `no API route ${request.method} ${path}; see /docs for the routes`)
        : new ApiError(
            'METHOD_NOT_ALLOWED',
            `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
            { Allow: allowed.join(', ') },
          );
    handleError(error, request, reply);
  });

  // One line per request: who, what, outcome, how long. Never headers or bodies.
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const latencyMs = reply.elapsedTime;
    metrics.observe(request.method, route, reply.statusCode, latencyMs / 1000);
    request.log.info(
      {
        account: request.account?.sid ?? null,
        method: request.method,
        route,
        status: reply.statusCode,
        latency_ms: Math.round(latencyMs * 100) / 100,
      },
      'request',
    );
  });

  await app.register(swagger, {
    // Shared schemas (the failure envelopes) are named components, referred to by their $id.
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'vsip — vSIP Trunk Configuration API',
        version: VERSION,
        description:
          'Exotel-compatible SIP trunk configuration. HTTP Basic auth: API key as username, API token as password. ' +
          'Error codes: docs/errors.md.',
      },
      components: {
        securitySchemes: {
          basicAuth: { type: 'http', scheme: 'basic' },
          // The operator API (/v2/operator/...): `vsip operator-token create`.
          operatorToken: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ basicAuth: [] }],
      // Relative to the document: Swagger UI's "Try it out" calls the vsip that served it.
      servers: [{ url: '/', description: 'this vsip (the host that serves this document)' }],
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Swagger UI's own CSP (hashes of its inline scripts) and not framable. Its React code sets
    // element styles at run time, so styles (never scripts) may be inline here; no https: sources
    // (everything is served by vsip) and no upgrade-insecure-requests, which breaks plain HTTP.
    staticCSP: true,
    transformStaticCSP: (csp) =>
      csp
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        .replace(/font-src [^;]*/, "font-src 'self' data:")
        .replace(/style-src [^;]*/, "style-src 'self' 'unsafe-inline'"),
  });
  await app.register(consoleRoutes, {});
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(healthRoutes, {
    store,
    metrics: deps.metrics,
    role: config.role,
    sipListeners: deps.sipListeners ?? (() => []),
    mediaStatus: deps.mediaStatus ?? (() => null),
    ...(deps.metricsText ? { metricsText: deps.metricsText } : {}),
    ...(deps.readiness ? { readiness: deps.readiness } : {}),
  });

  const routeDeps = { store, config, lists };
  // Failed logins are budgeted per client IP across the account and operator APIs together.
  const authFailures = new RateLimiter(config.rateLimit);
  await app.register(
    async (scoped) => {
      scoped.addHook(
        'onRequest',
        accountGuard(
          auth,
          new RateLimiter(config.rateLimit),
          authFailures,
          async (token) => (await store.authenticateOperator(token)) !== null,
        ),
      );
      // A write on a trunk drops its cached list pages before the answer leaves (read-your-writes).
      scoped.addHook('onSend', async (request, _reply, payload) => {
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          const trunkSid =
            (request.params as { trunk_sid?: string }).trunk_sid ??
            (request.query as { trunk_sid?: string } | undefined)?.trunk_sid;
          if (trunkSid !== undefined) lists.invalidate(trunkSid);
        }
        return payload;
      });
      scoped.addHook('onRoute', documentIdempotencyKey);
      idempotency(scoped, store);
      configEvents(scoped, store);
      await scoped.register(trunkRoutes, routeDeps);
      await scoped.register(phoneNumberRoutes, routeDeps);
      await scoped.register(whitelistedIpRoutes, routeDeps);
      await scoped.register(destinationUriRoutes, routeDeps);
      await scoped.register(credentialRoutes, routeDeps);
      await scoped.register(settingRoutes, routeDeps);
      await scoped.register(callRoutes, routeDeps);
      await scoped.register(accountTokenRoutes, routeDeps);
      await scoped.register(doctorRoutes, { ...routeDeps, sipListeners: deps.sipListeners ?? (() => []) });
      await scoped.register(cdrRoutes, routeDeps);
      await scoped.register(accountSettingRoutes, routeDeps);
      await scoped.register(phoneNumberBulkRoutes, routeDeps);
      await scoped.register(registrationRoutes, routeDeps);
      await scoped.register(gatewayRoutes, routeDeps);
      await scoped.register(webhookRoutes, routeDeps);
    },
    { prefix: '/v2/accounts/:account_sid' },
  );

  await app.register(
    async (scoped) => {
      scoped.addHook('onRequest', operatorGuard(store, authFailures));
      scoped.addHook('onRoute', documentIdempotencyKey);
      // The guard has let only the operator through: its keys share one scope.
      idempotency(scoped, store, { scope: () => 'operator' });
      await scoped.register(operatorAccountRoutes, { store, forget: (sid) => auth.invalidateAccount(sid) });
      await scoped.register(operatorCarrierRoutes, { store });
      await scoped.register(operatorRouteRoutes, { store });
      await scoped.register(operatorCarrierStatusRoutes, { store, carrierStatus: deps.carrierStatus ?? (() => null) });
    },
    { prefix: '/v2/operator' },
  );

  return app;
}
