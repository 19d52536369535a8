import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { getHeader, parseMessage } from '../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import { statelessResponse } from '../../src/sip/stateless-response.js';
import { generateBranch } from '../../src/sip/transaction/branch.js';
import type { InviteClientTransaction } from '../../src/sip/transaction/invite-client-transaction.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server-transaction.js';
import type { SipProtocol } from '../../src/sip/transport/transport.js';
import { watchClient } from '../support/watch-client.js';

function req(method: string, callId: string, extra = ''): SipRequest {
  return parseMessage(
    Buffer.from(
      `${method} sip:+15550001@127.0.0.1 SIP/2.0\r\nMax-Forwards: 70\r\nFrom: <sip:pbx@127.0.0.1>;tag=u1\r\n` +
        `To: <sip:+15550001@127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 ${method}\r\n${extra}Content-Length: 0\r\n\r\n`,
    ),
  ) as SipRequest;
}

async function pair(
  protocol: SipProtocol,
): Promise<{ a: SipEndpoint; b: SipEndpoint; target: { protocol: SipProtocol; address: string; port: number } }> {
  const timers = { t1: 20, tryingDelay: 0 };
  const a = await createSipEndpoint({ listen: [{ protocol, host: '127.0.0.1', port: 0 }], timers });
  const b = await createSipEndpoint({ listen: [{ protocol, host: '127.0.0.1', port: 0 }], timers });
  return { a, b, target: { protocol, address: '127.0.0.1', port: b.addresses()[0]!.port } };
}

for (const protocol of ['udp', 'tcp'] as const) {
  test(`UAC → UAS over ${protocol}: 100 at once, 180, CANCEL → 200 + 487, the transaction ACKs the 487`, async () => {
    const { a, b, target } = await pair(protocol);
    try {
      const states: string[] = [];
      let server: InviteServerTransaction | undefined;
      b.onRequest((tx) => {
        server = tx as InviteServerTransaction;
        server.user = { cancel: () => server!.reply(487), transportError: () => {} };
        setTimeout(() => tx.reply(180), 10);
      });
      const w = watchClient((r: SipResponse) => {
        states.push(String(r.status));
        if (r.status === 180) {
          const c = watchClient();
          void c.final.then((cr) => states.push(`cancel ${cr.status}`));
          a.cancel(tx, [], c.user);
        }
      });
      const tx = a.sendRequest(req('INVITE', `cancel-${protocol}`), target, w.user) as InviteClientTransaction;
      assert.match(
        getHeader(tx.request, 'via')!,
        new RegExp(`^SIP/2.0/${protocol.toUpperCase()} 127.0.0.1:\\d+;branch=z9hG4bK[\\w-]{16};rport$`),
      );
      const final = await w.final;
      assert.equal(final.status, 487);
      // T1 is 20 ms: on a busy machine the INVITE may be retransmitted before the 180, and each copy
      // is answered with the 100 again (RFC 3261 §17.2.1), so repeats are dropped before comparing.
      assert.deepEqual(states.filter((s, i) => s !== states[i - 1]).slice(0, 2), ['100', '180']);
      for (let i = 0; i < 500 && server!.state !== 'confirmed' && server!.state !== 'terminated'; i++)
        await new Promise((r) => setTimeout(r, 10));
      assert.ok(states.includes('cancel 200'));
      assert.ok(
        ['confirmed', 'terminated'].includes(server!.state),
        `server state ${server!.state}: the ACK for the 487 reached it`,
      );
      assert.equal(b.counters.strayResponses, 0, 'the ACK for a non-2xx never reaches the core');
    } finally {
      await a.close();
      await b.close();
    }
  });
}

test(
  'stateless forwarding: a request sent with our own Via via sendStateless; its response surfaces on ' + 'onResponse',
  async () => {
    const { a, b, target } = await pair('udp');
    try {
      b.onRequest((tx) => tx.reply(200));
      const r = req('OPTIONS', 'stateless-1');
      r.headers.unshift({ name: 'via', value: `${a.viaSentBy(target)};branch=${generateBranch()}` });
      const got = new Promise<SipResponse>((resolve) => a.onResponse((res) => resolve(res)));
      await a.sendStateless(r, target);
      const res = await got;
      assert.equal(res.status, 200);
      assert.equal(a.counters.strayResponses, 1);
    } finally {
      await a.close();
      await b.close();
    }
  },
);

test('no request handler: 503; unknown CANCEL: 481; ACK for 2xx goes to onAck', async () => {
  const { a, b, target } = await pair('udp');
  try {
    const t1 = watchClient();
    a.sendRequest(req('OPTIONS', 'nohandler'), target, t1.user);
    assert.equal((await t1.final).status, 503);
    const t2 = watchClient();
    a.sendRequest(req('CANCEL', 'lonely'), target, t2.user);
    assert.equal((await t2.final).status, 481);
    b.onRequest((tx) => tx.reply(200));
    const acks: SipRequest[] = [];
    b.onAck((ack) => acks.push(ack));
    const w2 = watchClient();
    const _inv = a.sendRequest(req('INVITE', 'ack2xx'), target, w2.user);
    const ok = await w2.final;
    assert.equal(ok.status, 200);
    const ack = req('ACK', 'ack2xx', `Via: ${a.viaSentBy(target)};branch=${generateBranch()}\r\n`);
    ack.headers = ack.headers.map((h) =>
      h.name === 'cseq'
        ? { name: 'cseq', value: '1 ACK' }
        : h.name === 'to'
          ? { name: 'to', value: getHeader(ok, 'to')! }
          : h,
    );
    await a.sendStateless(ack, target);
    for (let i = 0; i < 500 && acks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(acks.length, 1);
  } finally {
    await a.close();
    await b.close();
  }
});

test(
  'no transport for the target protocol: transportError still reaches a user told after sendRequest ' + 'returned',
  async () => {
    const a = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
    try {
      const w = watchClient();
      const tx = a.sendRequest(req('OPTIONS', 'no-tls'), { protocol: 'tls', address: '127.0.0.1', port: 5061 }, w.user);
      const err = (await w.transportError) as Error;
      assert.match(err.message, /no tls transport/);
      assert.equal(tx.state, 'terminated');
    } finally {
      await a.close();
    }
  },
);

test(
  'onInitialRequest: a stateless 503 before any transaction (same To tag on a retransmission), ACK to onAck, ' +
    'drop, in-dialog bypasses it',
  async () => {
    const { a, b, target } = await pair('udp');
    try {
      const seen: string[] = [];
      const reached: string[] = [];
      b.onInitialRequest((r, _source, via) => {
        const callId = getHeader(r, 'call-id')!;
        seen.push(`${r.method} ${callId}`);
        if (callId === 'refuse')
          return statelessResponse(r, via, 503, 'Service Unavailable (overloaded)', [
            { name: 'retry-after', value: '5' },
          ]);
        if (callId === 'drop') return 'drop';
        return 'admit';
      });
      b.onRequest((tx) => {
        reached.push(`${tx.request.method} ${getHeader(tx.request, 'call-id')}`);
        tx.reply(200);
      });
      const acks: Array<{ ack: SipRequest; tx: unknown }> = [];
      b.onAck((ack, _s, tx) => acks.push({ ack, tx }));

      const invite = req('INVITE', 'refuse');
      const w = watchClient();
      const inv = a.sendRequest(invite, target, w.user); // adds our Via to `invite`
      const res = await w.final;
      assert.equal(res.status, 503);
      assert.equal(res.reason, 'Service Unavailable (overloaded)');
      assert.equal(getHeader(res, 'retry-after'), '5');
      const to = getHeader(res, 'to')!;
      assert.match(to, /;tag=[0-9a-f]{16}$/);
      assert.equal(b.transactions.size.server, 0, 'no server transaction for a stateless refusal');
      // The client transaction ACKs the 503 (§17.1.1.3): it matches nothing at b and reaches onAck.
      // With T1 = 20 ms a busy machine may retransmit the INVITE before the 503 arrives: each copy
      // gets the 503 and each 503 its ACK (§17.1.1.2), so one or more, all alike.
      for (let i = 0; i < 500 && acks.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(acks.length >= 1);
      for (const x of acks) {
        assert.equal(x.tx, null);
        assert.equal(getHeader(x.ack, 'to'), to);
      }
      // A retransmission of the same INVITE gets the same response, To tag included.
      // The transaction released its request on the final (it only waits out Timer D now).
      assert.throws(() => inv.request, /read its request after releasing it \(state completed\)/);
      const again = statelessResponse(
        invite,
        {
          transport: 'UDP',
          host: '127.0.0.1',
          port: a.addresses()[0]!.port,
          branch: /branch=([^;]+)/.exec(getHeader(invite, 'via')!)![1]!,
          received: null,
          rport: null,
          params: new Map(),
        },
        503,
        'x',
      );
      assert.equal(getHeader(again, 'to'), to);

      // Dropped: no transaction, nothing for the core.
      a.sendRequest(req('OPTIONS', 'drop'), target);
      for (let i = 0; i < 500 && !seen.includes('OPTIONS drop'); i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(seen.includes('OPTIONS drop'));
      assert.equal(b.transactions.size.server, 0);

      // Admitted, and an in-dialog request (To tag) never asks the hook.
      const ok = watchClient();
      a.sendRequest(req('OPTIONS', 'admit'), target, ok.user);
      assert.equal((await ok.final).status, 200);
      const inDialog = req('BYE', 'indialog');
      inDialog.headers = inDialog.headers.map((h) =>
        h.name === 'to' ? { name: 'to', value: `${h.value};tag=abc` } : h,
      );
      const bye = watchClient();
      a.sendRequest(inDialog, target, bye.user);
      assert.equal((await bye.final).status, 200);
      assert.deepEqual(reached, ['OPTIONS admit', 'BYE indialog']);
      assert.ok(!seen.includes('BYE indialog'));
    } finally {
      await a.close();
      await b.close();
    }
  },
);
