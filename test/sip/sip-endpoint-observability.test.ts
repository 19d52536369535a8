import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import dgram from 'node:dgram';
import diagnosticsChannel from 'node:diagnostics_channel';
import { parseMessage } from '../../src/sip/message/index.js';
import type { SipResponse } from '../../src/sip/message/types.js';
import { createSipEndpoint } from '../../src/sip/sip-endpoint.js';
import { request } from '../support/sip-message.js';

function options(branch: string, host: string, port: number): string {
  return request({
    method: 'OPTIONS',
    uri: `sip:gw@${host}`,
    from: '<sip:a@x>',
    fromTag: 'f1',
    to: '<sip:gw@x>',
    viaHost: host,
    viaPort: port,
    branch,
    callId: branch,
    contact: null,
  });
}

test('transaction and transport events reach diagnostics_channel; counters add up (IPv6 listener)', async () => {
  const seen: string[] = [];
  const subs: Array<[string, (m: unknown) => void]> = [];
  for (const name of [
    'vsip:sip:transport:message-in',
    'vsip:sip:transport:message-out',
    'vsip:sip:transaction:created',
    'vsip:sip:transaction:state',
    'vsip:sip:transaction:terminated',
    'vsip:sip:core:handler-error',
  ]) {
    const fn = (m: unknown): void => {
      const state = (m as { to?: string }).to;
      seen.push(state === undefined ? name.split(':').pop()! : `state:${state}`);
    };
    diagnosticsChannel.subscribe(name, fn);
    subs.push([name, fn]);
  }
  const ep = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '::1', port: 0 }], timers: { t1: 5 } });
  ep.onRequest((tx) => {
    if (tx.request.headers.some((h) => h.value.includes('boom'))) throw new Error('core bug');
    const late = tx.request.headers.some((h) => h.value.includes('late'));
    tx.reply(200);
    if (late) throw new Error('core bug after the answer');
  });
  const client = dgram.createSocket('udp6');
  try {
    await new Promise<void>((r) => client.bind(0, '::1', () => r()));
    const port = ep.addresses()[0]!.port;
    const ask = async (branch: string): Promise<SipResponse> => {
      const got = new Promise<Buffer>((r) => client.once('message', r));
      client.send(options(branch, '[::1]', client.address().port), port, '::1');
      return parseMessage(await got) as SipResponse;
    };
    assert.equal((await ask('z9hG4bKobs1')).status, 200);
    assert.equal((await ask('z9hG4bKboom')).status, 500, 'a throwing handler gets a 500, not a crash');
    await new Promise((r) => setTimeout(r, 64 * 5 + 50)); // Timer J
    // A handler that throws after answering (its request already released): the 200 stands, no crash.
    assert.equal((await ask('z9hG4bKlate')).status, 200);
    assert.equal(seen.filter((s) => s === 'handler-error').length, 2);
    await new Promise((r) => setTimeout(r, 64 * 5 + 50));
    assert.deepEqual(seen.slice(0, 5), ['message-in', 'created', 'message-out', 'state:completed', 'message-in']);
    assert.ok(seen.includes('handler-error'));
    assert.equal(seen.filter((s) => s === 'terminated').length, 3);
    const c = ep.counters;
    assert.equal(c.messagesIn.udp, 3);
    assert.equal(c.messagesOut.udp, 3);
    assert.equal(c.transactionsCreated.server, 3);
    assert.equal(c.activeTransactions, 0);
    assert.equal(ep.transactions.size.server, 0);
  } finally {
    for (const [name, fn] of subs) diagnosticsChannel.unsubscribe(name, fn);
    client.close();
    await ep.close();
  }
});
