import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** Where `vite build` puts the console: dist/console, next to this file's dist/src. */
export const CONSOLE_DIR = fileURLToPath(new URL('../../console/', import.meta.url));

/**
 * The console runs only its own bundled script and stylesheet and talks only to this origin; it
 * may not be framed (clickjacking) and sends no referrer. No 'unsafe-inline' anywhere: Vite emits
 * no inline script or style (console/vite.config.ts).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

interface Asset {
  type: string;
  raw: Buffer;
  br: Buffer;
  gzip: Buffer;
}

/** Every file of the build, read and compressed once at start: a few small files, served from memory. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else {
        const raw = readFileSync(join(dir, path));
        assets.set(path, {
          type: TYPES[extname(path)] ?? 'application/octet-stream',
          raw,
          br: brotliCompressSync(raw, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
          gzip: gzipSync(raw, { level: 9 }),
        });
      }
    }
  };
  walk('');
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string): Buffer {
  const accepts = String(request.headers['accept-encoding'] ?? '');
  reply.headers(SECURITY_HEADERS).header('cache-control', cache).header('vary', 'accept-encoding').type(asset.type);
  if (/\bbr\b/.test(accepts)) {
    reply.header('content-encoding', 'br');
    return asset.br;
  }
  if (/\bgzip\b/.test(accepts)) {
    reply.header('content-encoding', 'gzip');
    return asset.gzip;
  }
  return asset.raw;
}

/**
 * The web console (console/, built by `npm run build`) at `/` and `/console/`, on the API's own
 * host and port: a static single-page app that uses only the public REST API. Its hashed assets
 * are cached for good; the page itself is revalidated so an upgrade is picked up at once.
 */
export async function consoleRoutes(app: FastifyInstance, opts: { dir?: string }): Promise<void> {
  const dir = opts.dir ?? CONSOLE_DIR;
  const assets = existsSync(join(dir, 'index.html')) ? loadAssets(dir) : null;
  const hide = { schema: { hide: true } };

  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const index = assets?.get('index.html');
    if (index === undefined)
      throw new ApiError(
        'ROUTE_NOT_FOUND',
        'the web console is not built in this installation (npm run build builds it); the API is under /v2, see /docs',
      );
    return send(request, reply, index, 'no-cache');
  };
  app.get('/', hide, page);
  app.get('/console', hide, page);

  app.get<{ Params: { file: string } }>('/console/assets/:file', hide, async (request, reply) => {
    const asset = assets?.get(`assets/${request.params.file}`);
    if (asset === undefined)
      throw new ApiError('ROUTE_NOT_FOUND', `no console asset ${JSON.stringify(request.params.file)}`);
    return send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
}
