import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import { consoleRoutes } from '../../src/api/console-routes.js';
import { handleError } from '../../src/api/error-handler.js';
import { launchChromium, watchPage } from '../support/console-browser.js';
import {
  createAccountCli,
  startServe,
  tempDir,
  type AccountJson,
  type ServeProcess,
} from '../support/serve-process.js';

/** What loading the console costs and which headers protect it; /docs keeps working beside it. */
let serve: ServeProcess;
let account: AccountJson;
let browser: Browser;
const FIRST_LOAD_BUDGET = 300 * 1024;

before(async () => {
  const dataDir = tempDir('vsip-console-');
  account = createAccountCli(dataDir);
  serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'warn' } });
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await serve?.stop();
});

test('the first load transfers less than 300 KB compressed; time to interactive is logged', async (t) => {
  // A fresh context: empty cache, as a first visit.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = watchPage(page);
  const sizes: Array<Promise<{ url: string; bytes: number; encoding: string }>> = [];
  page.on('requestfinished', (request) =>
    sizes.push(
      (async () => {
        const s = await request.sizes();
        const res = await request.response();
        return {
          url: request.url(),
          bytes: s.responseBodySize + s.responseHeadersSize,
          encoding: (await res?.allHeaders())?.['content-encoding'] ?? 'identity',
        };
      })(),
    ),
  );
  await page.goto(`${serve.api}/`, { waitUntil: 'load' });
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const files = await Promise.all(sizes);
  const total = files.reduce((n, f) => n + f.bytes, 0);
  const interactive = await page.evaluate<number>(
    "performance.getEntriesByName('vsip-console-interactive')[0]?.startTime ?? -1",
  );
  t.diagnostic(`console first load: ${files.length} requests, ${total} bytes transferred`);
  t.diagnostic(`console time to interactive: ${interactive.toFixed(0)} ms after navigation start`);
  for (const f of files) t.diagnostic(`  ${f.url.replace(serve.api ?? '', '')} ${f.bytes} B ${f.encoding}`);
  assert.ok(total < FIRST_LOAD_BUDGET, `${total} bytes`);
  assert.ok(interactive > 0, 'the console marked itself interactive');
  // Script and stylesheet come compressed.
  for (const f of files.filter((x) => /\.(js|css)$/.test(x.url))) assert.match(f.encoding, /^(br|gzip)$/, f.url);
  assert.deepEqual(problems, []);
  await context.close();
});

test('strict CSP, no framing, nosniff on the page and its assets; no secret in the HTML', async () => {
  for (const path of ['/', '/console', '/console/']) {
    const res = await fetch(`${serve.api}${path}`);
    assert.equal(res.status, 200, path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const html = await res.text();
    // No inline script or style for the CSP to forbid, and nothing of the account.
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|style=/i);
    for (const secret of [account.account_sid, account.api_key, account.api_token]) assert.ok(!html.includes(secret));
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1] ?? '';
    const js = await fetch(`${serve.api}${asset}`, { headers: { 'accept-encoding': 'br' } });
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('x-content-type-options'), 'nosniff');
    assert.match(js.headers.get('cache-control') ?? '', /immutable/);
  }
  const missing = await fetch(`${serve.api}/console/assets/nope.js`);
  assert.equal(missing.status, 404);
  assert.equal(
    ((await missing.json()) as { response: { error_data: { code: number } } }).response.error_data.code,
    1024,
  );
});

test('/docs still renders Swagger UI, under its own CSP that forbids framing', async () => {
  const res = await fetch(`${serve.api}/docs/`);
  assert.match(res.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.doesNotMatch(csp, /upgrade-insecure-requests|https:/);
  assert.doesNotMatch(/script-src [^;]*/.exec(csp)?.[0] ?? '', /unsafe-inline/);
  const page = await browser.newPage();
  const problems = watchPage(page);
  await page.goto(`${serve.api}/docs`);
  await page.locator('.swagger-ui .opblock').first().waitFor({ timeout: 20_000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test('without a built console, / says how to build it in the API error envelope', async () => {
  const app = Fastify();
  app.setErrorHandler(handleError);
  await app.register(consoleRoutes, { dir: tempDir('vsip-no-console-') });
  const res = await app.inject({ url: '/' });
  assert.equal(res.statusCode, 404);
  assert.match(res.json().response.error_data.description, /not built.*npm run build/);
  await app.close();
});
