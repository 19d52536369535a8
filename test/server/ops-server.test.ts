import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { Registry } from 'prom-client';
import { startOpsServer, type OpsServer } from '../../src/server/ops-server.js';
import { Readiness } from '../../src/server/readiness.js';

/** The ops listener alone, with readiness checks the test controls. */
describe('ops server', () => {
  const servers: OpsServer[] = [];
  after(async () => {
    for (const s of servers) await s.close();
  });

  async function start(readiness: Readiness): Promise<OpsServer> {
    const metrics = new Registry();
    const s = await startOpsServer({
      host: '127.0.0.1',
      port: 0,
      role: 'sip',
      storeKind: 'sqlite',
      metrics,
      sipListeners: () => [{ side: 'access', protocol: 'udp', address: '127.0.0.1', port: 5060 }],
      readiness,
    });
    servers.push(s);
    return s;
  }

  test('/ready: 200 while every check passes, 503 naming the failed one, 503 once draining', async () => {
    const readiness = new Readiness();
    let storeUp = true;
    readiness.add('store', () => {
      if (!storeUp) throw new Error('database is down');
    });
    readiness.add('sip-listeners', () => undefined);
    const s = await start(readiness);

    let res = await fetch(`${s.url}/ready`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      status: 'ready',
      ready: true,
      draining: false,
      checks: [
        { name: 'store', ok: true },
        { name: 'sip-listeners', ok: true },
      ],
    });

    storeUp = false;
    res = await fetch(`${s.url}/ready`);
    assert.equal(res.status, 503);
    const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> };
    assert.deepEqual(body.checks[0], { name: 'store', ok: false, error: 'database is down' });

    storeUp = true;
    readiness.drain();
    res = await fetch(`${s.url}/ready`);
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { draining: boolean }).draining, true);
  });

  test('a check that never answers fails /ready after the timeout instead of hanging it', async () => {
    const readiness = new Readiness(100);
    readiness.add('rtpengine', () => new Promise<void>(() => {}));
    const s = await start(readiness);
    const res = await fetch(`${s.url}/ready`, { signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 503);
    const body = (await res.json()) as { checks: Array<{ name: string; ok: boolean; error?: string }> };
    assert.deepEqual(body.checks, [{ name: 'rtpengine', ok: false, error: 'no answer in 100 ms' }]);
  });

  test('/health and /metrics answer; other paths 404, other methods 405, never a 500', async () => {
    const s = await start(new Readiness());
    const health = await fetch(`${s.url}/health`);
    assert.equal(health.status, 200);
    const h = (await health.json()) as { status: string; role: string; sip: unknown[] };
    assert.equal(h.status, 'ok');
    assert.equal(h.role, 'sip');
    assert.equal(h.sip.length, 1);
    const metrics = await fetch(`${s.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);

    assert.equal((await fetch(`${s.url}/`)).status, 404);
    assert.equal((await fetch(`${s.url}/v2/accounts`)).status, 404);
    for (const method of ['POST', 'DELETE', 'PROPFIND', 'QUERY']) {
      const res = await fetch(`${s.url}/metrics`, { method });
      assert.equal(res.status, 405, method);
      assert.equal(res.headers.get('allow'), 'GET, HEAD');
    }
  });
});
