import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { SipListener } from '../api/routes/health.js';
import { VERSION } from '../version.js';
import type { Readiness } from './readiness.js';

export interface OpsServerOptions {
  host: string;
  port: number;
  role: 'api' | 'sip' | 'all';
  storeKind: 'sqlite' | 'postgres';
  metrics: Registry;
  /** Replaces `metrics.metrics()`: with `--sip-workers`, the primary's registry and the workers' merged. */
  metricsText?: () => Promise<string>;
  sipListeners: () => readonly SipListener[];
  readiness: Readiness;
}

export interface OpsServer {
  /** `http://host:port` as a scraper would reach it. */
  url: string;
  close(): Promise<void>;
}

/**
 * `--ops-port`: `/health`, `/ready` and `/metrics` on a plain HTTP listener of their own, so a
 * `--role sip` node (which has no API) is as observable as an API node, and so the operations
 * endpoints can stay on a private interface while the API faces customers. Deliberately not
 * Fastify: a SIP node should not load the API stack for three read-only routes.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const server = createServer((req, res) => {
    handle(opts, req, res).catch((err: unknown) => {
      // A registry collect that threw: an answer, never an unhandled rejection.
      if (!res.headersSent) json(res, 500, { status: 'error', error: err instanceof Error ? err.message : 'error' });
      else res.destroy();
    });
  });
  // Probes and scrapes are short; a client that trickles its request is cut off.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host === '0.0.0.0' || opts.host === '::' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => closeServer(server),
  };
}

async function handle(opts: OpsServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/health' && path !== '/ready' && path !== '/metrics') {
    json(res, 404, { status: 'not_found', error: 'this port serves /health, /ready and /metrics' });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    json(res, 405, { status: 'method_not_allowed', error: `${path} answers GET and HEAD` });
    return;
  }
  if (path === '/health') {
    json(res, 200, {
      status: 'ok',
      version: VERSION,
      store: opts.storeKind,
      role: opts.role,
      sip: opts.sipListeners(),
    });
  } else if (path === '/ready') {
    const report = await opts.readiness.report();
    json(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not_ready', ...report });
  } else {
    const text = opts.metricsText !== undefined ? await opts.metricsText() : await opts.metrics.metrics();
    res.writeHead(200, { 'content-type': opts.metrics.contentType });
    res.end(req.method === 'HEAD' ? undefined : text);
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(res.req.method === 'HEAD' ? undefined : JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive scrapers would otherwise hold close() open until they hang up.
    server.closeIdleConnections();
  });
}
