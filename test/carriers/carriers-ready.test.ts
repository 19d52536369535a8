import { test } from 'node:test';
import assert from 'node:assert/strict';
import { carriersReady } from '../../src/carriers/carriers-ready.js';
import type { UriProbeState } from '../../src/carriers/carrier-prober.js';
import { Readiness } from '../../src/server/readiness.js';

const uri = (name: string, up: boolean): UriProbeState => ({
  carrierSid: `cr_${name}`,
  carrierName: name,
  uriId: `${name}#0`,
  uri: `sip:${name}.example.com`,
  up,
  streak: up ? 0 : 3,
  lastResult: up ? 200 : 'timeout',
  lastProbeAt: 1,
  heldUntil: null,
});

test('/ready with carriers: ready while one probed URI is up, not ready when every one is down', async () => {
  let uris: UriProbeState[] = [];
  const readiness = new Readiness();
  readiness.add('carriers', carriersReady({ uris: () => uris, registrations: () => [] }));

  assert.equal((await readiness.report()).ready, true, 'no probed carrier: nothing to wait for');
  uris = [uri('alpha', false), uri('beta', true)];
  assert.equal((await readiness.report()).ready, true, 'one carrier up is enough');
  uris = [uri('alpha', false), uri('beta', false)];
  const down = await readiness.report();
  assert.equal(down.ready, false);
  const check = down.checks.find((c) => c.name === 'carriers');
  assert.match(
    check?.error ?? '',
    /every probed carrier URI is down: alpha sip:alpha\.example\.com, beta sip:beta\.example\.com/,
  );
  uris = [uri('alpha', true)];
  assert.equal((await readiness.report()).ready, true, 'back up: ready again');
});
