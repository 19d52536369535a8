import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, describe, test } from 'node:test';
import { startServe, tempDir, type ServeProcess } from '../support/serve-process.js';

/** Prometheus' own linter on our real /metrics text; warnings about prom-client's `nodejs_*` defaults are not ours. */
function promtoolWarningsOfOurs(text: string): string[] {
  let out: string;
  try {
    out = execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: 'pipe' });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .filter((l) => !l.startsWith('nodejs_'));
}

describe('every node observable: --role sip with --ops-port', () => {
  const nodes: ServeProcess[] = [];
  after(async () => {
    for (const n of nodes) await n.stop();
  });

  test('a SIP node with two workers: /health, /ready, and one /metrics with the workers merged', async () => {
    const node = await startServe({
      dataDir: tempDir(),
      args: ['--role', 'sip', '--sip-workers', '2', '--ops-port', '0'],
      timeoutMs: 90_000,
    });
    nodes.push(node);
    assert.equal(node.api, null);
    assert.ok(node.ops, `no ops URL in the ready file:\n${node.output()}`);
    assert.match(node.output(), /Ops\s+http:\/\/127\.0\.0\.1:\d+/);

    const health = (await (await fetch(`${node.ops}/health`)).json()) as { role: string; sip: unknown[] };
    assert.equal(health.role, 'sip');
    assert.ok(health.sip.length > 0);

    const ready = await fetch(`${node.ops}/ready`);
    const report = (await ready.json()) as { checks: Array<{ name: string; ok: boolean }> };
    assert.equal(ready.status, 200, JSON.stringify(report));
    assert.deepEqual(
      report.checks.map((c) => c.name),
      ['store', 'sip-listeners', 'rtpengine'], // the local rtpengine child (installed by the test pre-step),
    );

    const text = await (await fetch(`${node.ops}/metrics`)).text();
    // Gateway metrics exist only in the workers: seeing them here means the primary merged them.
    assert.match(text, /^vsip_gateway_table_entries\{table="dialogs"\} 0$/m);
    assert.match(text, /^vsip_sip_admit_ratio 1$/m);
    // One build_info series, not one per process, and no constant label on every series.
    assert.equal(text.match(/^vsip_build_info\{/gm)?.length, 1, text);
    assert.match(text, /^vsip_build_info\{version="\d+\.\d+\.\d+[^"]*",nodejs="v\d+[^"]*"\} 1$/m);
    assert.doesNotMatch(text, /service="vsip"/);
    assert.deepEqual(promtoolWarningsOfOurs(text), []);
  });

  test('an all-in-one node: the API answers /ready too, and its /metrics passes promtool', async () => {
    const node = await startServe({ dataDir: tempDir(), args: ['--ops-port', '0'] });
    nodes.push(node);
    const ready = await fetch(`${node.api}/ready`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as { status: string }).status, 'ready');
    const text = await (await fetch(`${node.api}/metrics`)).text();
    assert.match(text, /^vsip_api_request_duration_seconds_bucket/m);
    assert.deepEqual(promtoolWarningsOfOurs(text), []);
    assert.equal((await fetch(`${node.ops}/ready`)).status, 200);
  });
});
