import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseFlowAnswer } from '../../src/gateway/flow-answer.js';
import { FlowRouter } from '../../src/gateway/flow-router.js';
import { freePort } from '../support/ports.js';

const D = '203.0.113.10:5061;transport=tls';

test('flow answers that are accepted, read strictly', () => {
  const ok: Array<[unknown, unknown]> = [
    [{ action: 'fallback' }, { action: 'fallback' }],
    [
      { action: 'reject', code: 486 },
      { action: 'reject', code: 486, reason: 'Rejected by call-routing webhook' },
    ],
    [
      { action: 'reject', code: 603, reason: 'Decline' },
      { action: 'reject', code: 603, reason: 'Decline' },
    ],
    [
      { action: 'dial', destinations: ['PBX.example.com:5060;transport=TCP'] },
      {
        action: 'dial',
        parallel: false,
        destinations: [
          { destination: 'pbx.example.com:5060;transport=tcp', host: 'pbx.example.com', port: 5060, transport: 'tcp' },
        ],
      },
    ],
  ];
  for (const [input, expected] of ok) assert.deepEqual(parseFlowAnswer(input), expected, JSON.stringify(input));
  const p = parseFlowAnswer({ action: 'dial', destinations: [D, D], strategy: 'parallel' });
  assert.ok(!('error' in p) && p.action === 'dial' && p.parallel && p.destinations.length === 2);
});

test('flow answers that are refused, each with a sentence for the call log', () => {
  const bad: Array<[unknown, RegExp]> = [
    [null, /not an object/],
    [[], /not an object/],
    ['dial', /not an object/],
    [{}, /action null is not dial/],
    [{ action: 'DIAL', destinations: [D] }, /action "DIAL"/],
    [{ action: 'fallback', destinations: [D] }, /unknown key "destinations"/],
    [{ action: 'dial' }, /1 to 10/],
    [{ action: 'dial', destinations: [] }, /1 to 10/],
    [{ action: 'dial', destinations: D }, /1 to 10/],
    [{ action: 'dial', destinations: [42] }, /destinations\[0\] is not a string/],
    [{ action: 'dial', destinations: ['10.0.0.1:5060;transport=udp'] }, /only tls and tcp/],
    [{ action: 'dial', destinations: ['sip:alice@10.0.0.1'] }, /not in the destination format/],
    [{ action: 'dial', destinations: [`${D}\r\nVia: x`] }, /not in the destination format/],
    [{ action: 'dial', destinations: [D], strategy: 'random' }, /strategy must be/],
    [{ action: 'reject', code: 200 }, /400 to 699/],
    [{ action: 'reject', code: 486.5 }, /400 to 699/],
    [{ action: 'reject', code: '486' }, /400 to 699/],
    [{ action: 'reject', code: 486, reason: 'Busy\r\nX-Injected: 1' }, /printable/],
    [{ action: 'reject', code: 486, reason: '' }, /printable/],
    [{ action: 'reject', code: 486, __proto__: { x: 1 }, extra: true }, /unknown key "extra"/],
  ];
  for (const [input, why] of bad) {
    const r = parseFlowAnswer(input);
    assert.ok('error' in r, `refused: ${JSON.stringify(input)}`);
    assert.match(r.error, why);
  }
});

test('FlowRouter: requests past maxInFlight are not sent, and a hanging endpoint is cut at the deadline', async () => {
  const hanging: ServerResponse[] = [];
  let requests = 0;
  const server = createServer((_req, res) => {
    requests++;
    hanging.push(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const router = new FlowRouter({
    lookup: async () => ({ sid: 'wh1', url, secret: 'whsec_x' }),
    // Generous: the first fetch of a process loads its HTTP client, slow on a busy machine.
    timeoutMs: 1500,
    maxInFlight: 2,
  });
  const facts = { callId: 'c', accountSid: 'a', trunkSid: 't', from: null, to: '+1', source: 'udp:x:1', carrier: null };
  try {
    const waiting = [router.ask(facts), router.ask(facts)];
    const third = await router.ask(facts);
    assert.equal(third.answer, null);
    assert.match(third.note, /not asked: 2 requests already waiting/);
    const outcomes = await Promise.all(waiting);
    for (const o of outcomes) assert.equal(o.note, 'call-routing webhook did not answer within 1500 ms');
    assert.equal(router.inFlight, 0);
    assert.equal(requests, 2);
    const closed = await freePort();
    const refused = new FlowRouter({
      lookup: async () => ({ sid: 'wh1', url: `http://127.0.0.1:${closed}/`, secret: 's' }),
      timeoutMs: 2000,
    });
    assert.match((await refused.ask(facts)).note, /call-routing webhook failed: ECONNREFUSED/);
    const failingLookup = new FlowRouter({
      lookup: async () => {
        throw new Error('database is locked');
      },
      timeoutMs: 2000,
    });
    assert.equal((await failingLookup.ask(facts)).note, 'call-routing webhook failed: database is locked');
  } finally {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});
