import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { REPO_ROOT, startServe, tempDir, type ServeProcess } from '../support/serve-process.js';

interface Panel {
  title: string;
  targets: Array<{ expr: string }>;
}

const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/grafana/vsip.json'), 'utf8')) as {
  panels: Panel[];
  templating: { list: Array<{ query: string }> };
};

/** Metric names a PromQL expression reads (ours all start with `vsip_`). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\b(vsip_[a-z0-9_]+)\b/g)].map((m) => m[1] as string);
}

/** A histogram is queried by its `_bucket`/`_sum`/`_count` series; /metrics declares the family. */
function family(name: string, declared: Set<string>): string {
  if (declared.has(name)) return name;
  return name.replace(/_(bucket|sum|count)$/, '');
}

const nodes: ServeProcess[] = [];
after(async () => {
  for (const n of nodes) await n.stop();
});

test('the dashboard covers calls, CPS, concurrency, overload, registrations and the API', () => {
  const titles = dashboard.panels.map((p) => p.title.toLowerCase()).join(' | ');
  for (const topic of ['cps', 'concurrent', 'result', 'cause', 'overload', 'registrations', 'latency', 'errors']) {
    assert.ok(titles.includes(topic), `no panel about ${topic}: ${titles}`);
  }
});

test('every metric the Grafana dashboard queries exists in a real /metrics', async () => {
  const node = await startServe({ dataDir: tempDir() });
  nodes.push(node);
  const text = await (await fetch(`${node.api}/metrics`)).text();
  const declared = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1] as string));
  const queried = new Set([
    ...dashboard.panels.flatMap((p) => p.targets.flatMap((t) => metricNames(t.expr))),
    ...dashboard.templating.list.flatMap((v) => metricNames(v.query ?? '')),
  ]);
  assert.ok(queried.size >= 8, `only ${[...queried].join(', ')}`);
  const missing = [...queried].filter((name) => !declared.has(family(name, declared)));
  assert.deepEqual(missing, [], `queried by deploy/grafana/vsip.json but not in /metrics`);
});
