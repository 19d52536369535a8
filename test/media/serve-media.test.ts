import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { localEngineThreads } from '../../src/media/local-rtpengine.js';
import { NgClient } from '../../src/media/ng-client.js';
import { startServe, tempDir } from '../support/serve-process.js';

/**
 * `vsip serve` and its media plane: a local rtpengine child when the binary is there (stopped with
 * vsip), signalling-only said plainly in the banner and /health when it is not.
 */
async function health(api: string | null): Promise<{ media: Record<string, unknown> | null }> {
  const res = await fetch(`${api}/health`);
  return (await res.json()) as { media: Record<string, unknown> | null };
}

test('serve without rtpengine installed runs signalling-only and says so at start-up and in /health', async () => {
  const dataDir = tempDir();
  const serve = await startServe({ dataDir, args: ['--rtpengine-path', '/nonexistent/rtpengine'] });
  try {
    assert.match(serve.output(), /Media {6}signalling-only: no rtpengine at \/nonexistent\/rtpengine/);
    const h = await health(serve.api);
    assert.equal(h.media?.mode, 'signalling-only');
    assert.match(String(h.media?.reason), /RTP flows directly between the PBX and the carrier/);
  } finally {
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('serve starts a local rtpengine on --rtp-ports, reports it in /health, and stops it on exit', async () => {
  const dataDir = tempDir();
  const base = 20_000 + 2 * Math.floor(Math.random() * 19_000);
  const serve = await startServe({ dataDir, args: ['--rtp-ports', `${base}-${base + 99}`] });
  let ng: NgClient | null = null;
  try {
    assert.match(serve.output(), /Media {6}rtpengine \(local child, udp:127\.0\.0\.1:\d+\)/);
    const h = await health(serve.api);
    assert.equal(h.media?.mode, 'anchored');
    assert.equal(h.media?.local, true);
    assert.equal(h.media?.rtpPorts, `127.0.0.1 UDP ${base}-${base + 99}`);
    const m = /^udp:127\.0\.0\.1:(\d+)$/.exec(String((h.media?.engines as string[] | undefined)?.[0]));
    assert.ok(m !== null);
    ng = new NgClient({ host: '127.0.0.1', port: Number(m[1]), timeoutMs: 1000 });
    assert.equal((await ng.command({ command: 'ping' })).result, 'pong');
    // The child gets half the cores (it shares them with vsip) and logs only warnings and errors.
    const child = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.includes(`--listen-ng=127.0.0.1:${m[1]}`));
    assert.ok(child !== undefined, 'the child is running');
    assert.ok(child.includes(`--num-threads=${localEngineThreads()}`), child);
    assert.ok(child.includes('--log-level=4'), child);
    const ready = (await (await fetch(`${serve.api}/ready`)).json()) as {
      checks: Array<{ name: string; ok: boolean }>;
    };
    assert.deepEqual(
      ready.checks.find((c) => c.name === 'rtpengine'),
      { name: 'rtpengine', ok: true },
      '/ready pings the engine',
    );
    assert.equal(await serve.stop(), 0);
    await assert.rejects(ng.command({ command: 'ping' }), /did not answer/, 'the child is gone with vsip');
  } finally {
    ng?.close();
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
