import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseMessage } from '../../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message/types.js';
import { createSipCounters } from '../../../src/sip/sip-counters.js';
import { generateBranch } from '../../../src/sip/transaction/branch.js';
import { topVia } from '../../../src/sip/transaction/message-fields.js';
import { TransactionLayer } from '../../../src/sip/transaction/transaction-layer.js';
import { ignoringClientUser } from '../../../src/sip/transaction/transaction-user.js';
import type { InviteServerTransaction } from '../../../src/sip/transaction/invite-server-transaction.js';
import { NonInviteServerTransaction } from '../../../src/sip/transaction/non-invite-server-transaction.js';
import type { SipProtocol, SipSource, SipTarget } from '../../../src/sip/transport/transport.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { request as rawRequest } from '../../support/sip-message.js';
import { watchClient } from '../../support/watch-client.js';

const T1 = 10;
const T2 = 40;
const T4 = 50;

function setup(protocol: SipProtocol = 'udp') {
  const clock = new FakeTimers();
  const sent: Array<{ at: number; text: string }> = [];
  const counters = createSipCounters();
  const layer = new TransactionLayer({
    timers: { t1: T1, t2: T2, t4: T4, timerD: 320, tryingDelay: 200 },
    timerHost: clock,
    counters,
    send: (data) => {
      sent.push({ at: clock.now, text: data.toString() });
    },
  });
  const target: SipTarget = { protocol, address: '127.0.0.1', port: 5070 };
  const source: SipSource = { protocol, address: '127.0.0.1', port: 5070, local: { address: '127.0.0.1', port: 5060 } };
  return { clock, sent, counters, layer, target, source };
}

/** `extra` goes after the To URI (a tag). */
function request(method: string, branch: string, extra = '', cseq = 1): SipRequest {
  const text = rawRequest({
    method,
    uri: 'sip:bob@127.0.0.1',
    from: '<sip:alice@127.0.0.1>',
    fromTag: 'a1',
    to: `<sip:bob@127.0.0.1>${extra}`,
    viaPort: 5070,
    branch,
    rport: false,
    callId: 'call-1@127.0.0.1',
    cseq,
    contact: null,
  });
  return parseMessage(Buffer.from(text)) as SipRequest;
}

function response(req: SipRequest, status: number, toTag = 'b1'): SipResponse {
  const via = req.headers.find((h) => h.name === 'via')!.value;
  const cseq = req.headers.find((h) => h.name === 'cseq')!.value;
  const text =
    `SIP/2.0 ${status} X\r\nVia: ${via}\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: ` +
    `<sip:bob@127.0.0.1>;tag=${toTag}\r\n` +
    `Call-ID: call-1@127.0.0.1\r\nCSeq: ${cseq}\r\nContent-Length: 0\r\n\r\n`;
  return parseMessage(Buffer.from(text)) as SipResponse;
}

function startClient(s: ReturnType<typeof setup>, method: string) {
  const branch = generateBranch();
  const req = request(method, branch);
  const events: string[] = [];
  const tx = s.layer.sendRequest(req, branch, s.target, {
    provisional: (r: SipResponse) => events.push(`prov ${r.status}`),
    final: (r: SipResponse, re: boolean) => events.push(`final ${r.status}${re ? ' re' : ''}`),
    timeout: (t: string) => events.push(`timeout ${t}`),
    transportError: () => events.push('transport error'),
  });
  tx.on('terminated', () => events.push('terminated'));
  return { tx, req, events };
}

test('branch ids carry the magic cookie and 96 random bits', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) {
    const b = generateBranch();
    assert.match(b, /^z9hG4bK[A-Za-z0-9_-]{16}$/);
    seen.add(b);
  }
  assert.equal(seen.size, 5000);
});

test('INVITE client over UDP: Timer A doubles without cap, Timer B times out at 64*T1', () => {
  const s = setup();
  const { events } = startClient(s, 'INVITE');
  s.clock.advance(64 * T1 + 1);
  assert.deepEqual(
    s.sent.map((x) => x.at),
    [0, 10, 30, 70, 150, 310, 630],
  );
  assert.deepEqual(events, ['timeout B', 'terminated']);
  assert.equal(s.counters.transactionsTimedOut.client, 1);
  assert.equal(s.layer.size.client, 0);
  assert.equal(s.clock.pending, 0);
});

test('INVITE client over TCP: no retransmissions, still Timer B', () => {
  const s = setup('tcp');
  const { events } = startClient(s, 'INVITE');
  s.clock.advance(64 * T1 + 1);
  assert.equal(s.sent.length, 1);
  assert.deepEqual(events, ['timeout B', 'terminated']);
});

test(
  'INVITE client: provisional stops retransmission; non-2xx is ACKed by the transaction, retransmitted final ' +
    're-ACKed',
  () => {
    const s = setup();
    const { tx, req, events } = startClient(s, 'INVITE');
    s.clock.advance(15);
    assert.ok(s.layer.receiveResponse(response(req, 180), topVia(req)));
    s.clock.advance(1000);
    assert.equal(s.sent.length, 2, 'no retransmission after a provisional, and no Timer B timeout');
    assert.equal(tx.state, 'proceeding');
    const busy = response(req, 486);
    s.layer.receiveResponse(busy, topVia(busy));
    const ack = parseMessage(Buffer.from(s.sent[2]!.text)) as SipRequest;
    assert.equal(ack.method, 'ACK');
    assert.equal(ack.uri, req.uri);
    assert.match(ack.headers.find((h) => h.name === 'cseq')!.value, /^1 ACK$/);
    assert.match(ack.headers.find((h) => h.name === 'to')!.value, /tag=b1/);
    assert.equal(topVia(ack)!.branch, topVia(req)!.branch);
    s.layer.receiveResponse(busy, topVia(busy));
    assert.equal(s.sent.length, 4);
    assert.equal(s.sent[3]!.text, s.sent[2]!.text);
    assert.deepEqual(events, ['prov 180', 'final 486']);
    s.clock.advance(320);
    assert.equal(tx.state, 'terminated');
  },
);

test('INVITE client: 2xx goes to Accepted (RFC 6026), later 2xx passed up as retransmissions, Timer M ends it', () => {
  const s = setup();
  const { tx, req, events } = startClient(s, 'INVITE');
  s.layer.receiveResponse(response(req, 200), topVia(req));
  assert.equal(tx.state, 'accepted');
  s.layer.receiveResponse(response(req, 200), topVia(req));
  assert.equal(s.sent.length, 1, 'the transaction never ACKs a 2xx');
  assert.deepEqual(events, ['final 200', 'final 200 re']);
  s.clock.advance(64 * T1);
  assert.equal(tx.state, 'terminated');
});

test('non-INVITE client over UDP: Timer E doubles to T2, T2 flat after a provisional, Timer F', () => {
  const s = setup();
  const { req, events } = startClient(s, 'OPTIONS');
  s.clock.advance(150);
  assert.deepEqual(
    s.sent.map((x) => x.at),
    [0, 10, 30, 70, 110, 150],
  );
  s.layer.receiveResponse(response(req, 100), topVia(req));
  s.clock.advance(490);
  assert.deepEqual(events, ['prov 100', 'timeout F', 'terminated']);
  const gaps = s.sent
    .slice(5)
    .map((x, i, a) => (i === 0 ? 0 : x.at - a[i - 1]!.at))
    .slice(1);
  assert.ok(
    gaps.every((g) => g === T2),
    `gaps ${gaps}`,
  );
});

test('non-INVITE client: final → Completed absorbs retransmissions, Timer K = T4 (0 on TCP)', () => {
  const s = setup();
  const { tx, req, events } = startClient(s, 'REGISTER');
  s.layer.receiveResponse(response(req, 401), topVia(req));
  s.layer.receiveResponse(response(req, 401), topVia(req));
  assert.deepEqual(events, ['final 401']);
  assert.equal(tx.state, 'completed');
  // Completed only waits out Timer K: the request and the TU's handlers are let go ('terminated' stays).
  assert.equal(tx.holdsRequest, false);
  assert.throws(() => tx.request, /read its request after releasing it \(state completed\)/);
  assert.equal(tx.user, ignoringClientUser);
  s.clock.advance(T4);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(events, ['final 401', 'terminated']);
  const t = setup('tcp');
  const c = startClient(t, 'REGISTER');
  t.layer.receiveResponse(response(c.req, 200), topVia(c.req));
  assert.equal(c.tx.state, 'terminated');
});

test('a response with an unknown branch or method matches no client transaction', () => {
  const s = setup();
  const { req } = startClient(s, 'INVITE');
  const other = response(request('INVITE', generateBranch()), 200);
  assert.equal(s.layer.receiveResponse(other, topVia(other)), false);
  const cancelRes = response(request('CANCEL', topVia(req)!.branch!), 200);
  assert.equal(s.layer.receiveResponse(cancelRes, topVia(cancelRes)), false);
});

function serverInvite(s: ReturnType<typeof setup>, branch = generateBranch()) {
  const req = request('INVITE', branch);
  const d = s.layer.receiveRequest(req, topVia(req)!, s.source, s.target);
  assert.equal(d.kind, 'new');
  return { req, tx: (d as { transaction: InviteServerTransaction }).transaction, branch };
}

test(
  'INVITE server: 100 Trying after the delay, retransmission re-sends it, 486 retransmitted by Timer G until ' + 'ACK',
  () => {
    const s = setup();
    const { req, tx, branch } = serverInvite(s);
    tx.startTrying();
    s.clock.advance(199);
    assert.equal(s.sent.length, 0);
    s.clock.advance(1);
    assert.match(s.sent[0]!.text, /^SIP\/2.0 100 Trying/);
    assert.equal(s.layer.receiveRequest(req, topVia(req)!, s.source, s.target).kind, 'absorbed');
    assert.equal(s.sent.length, 2);
    tx.reply(486, 'Busy Here');
    assert.match(s.sent[2]!.text, /^SIP\/2.0 486 Busy Here/);
    assert.match(s.sent[2]!.text, /To: <sip:bob@127.0.0.1>;tag=/);
    s.clock.advance(70);
    assert.deepEqual(
      s.sent.slice(3).map((x) => x.at - 200),
      [10, 30, 70],
    );
    const ack = request('ACK', branch, `;tag=${tx.toTag}`);
    assert.equal(s.layer.receiveRequest(ack, topVia(ack)!, s.source, s.target).kind, 'absorbed');
    assert.equal(tx.state, 'confirmed');
    const n = s.sent.length;
    s.clock.advance(T4);
    assert.equal(s.sent.length, n);
    assert.equal(tx.state, 'terminated');
  },
);

test('INVITE server: a response inside the handler means no 100 Trying', () => {
  const s = setup();
  const { tx } = serverInvite(s);
  tx.reply(180);
  tx.startTrying();
  s.clock.advance(1000);
  assert.equal(s.sent.length, 1);
  assert.match(s.sent[0]!.text, /^SIP\/2.0 180/);
});

test('INVITE server: no ACK for a non-2xx → Timer H timeout', () => {
  const s = setup();
  const { tx } = serverInvite(s);
  const events: string[] = [];
  tx.on('timeout', (t: string) => events.push(t));
  tx.reply(503);
  s.clock.advance(64 * T1);
  assert.deepEqual(events, ['H']);
  assert.equal(s.counters.transactionsTimedOut.server, 1);
});

test(
  'INVITE server: 2xx → Accepted absorbs INVITE retransmissions, passes a same-branch ACK up, Timer L ends ' + 'it',
  () => {
    const s = setup();
    const { req, tx, branch } = serverInvite(s);
    tx.reply(200);
    assert.equal(tx.state, 'accepted');
    assert.equal(tx.holdsRequest, false, 'Accepted keeps no parsed INVITE for its 32 s');
    assert.equal(tx.reply(487), false, 'no new response after the 2xx (and no throw)');
    assert.equal(s.layer.receiveRequest(req, topVia(req)!, s.source, s.target).kind, 'absorbed');
    assert.equal(s.sent.length, 1, 'Accepted does not re-send the 2xx itself');
    assert.ok(tx.respond(response(req, 200)), '2xx retransmission from the TU passes');
    const ack = request('ACK', branch, ';tag=x');
    assert.equal(s.layer.receiveRequest(ack, topVia(ack)!, s.source, s.target).kind, 'ack');
    const stray = request('ACK', generateBranch(), ';tag=x');
    assert.deepEqual(s.layer.receiveRequest(stray, topVia(stray)!, s.source, s.target), {
      kind: 'ack',
      transaction: null,
    });
    s.clock.advance(64 * T1);
    assert.equal(tx.state, 'terminated');
    assert.equal(s.layer.size.server, 0);
  },
);

test('CANCEL matches its INVITE server transaction (§9.2): 200, its user told; unknown CANCEL → 481', () => {
  const s = setup();
  const { tx, branch } = serverInvite(s);
  let cancelled = 0;
  tx.user = { cancel: () => cancelled++, transportError: () => {} };
  const cancel = request('CANCEL', branch);
  assert.equal(s.layer.receiveRequest(cancel, topVia(cancel)!, s.source, s.target).kind, 'absorbed');
  assert.match(s.sent[0]!.text, /^SIP\/2.0 200 OK[\s\S]*CSeq: 1 CANCEL/);
  assert.equal(cancelled, 1);
  assert.ok(tx.cancelled);
  tx.reply(487);
  assert.match(s.sent[1]!.text, /^SIP\/2.0 487/);
  const lone = request('CANCEL', generateBranch());
  s.layer.receiveRequest(lone, topVia(lone)!, s.source, s.target);
  assert.match(s.sent[2]!.text, /^SIP\/2.0 481/);
});

test('non-INVITE server: Trying absorbs silently, Completed re-sends the final, Timer J (0 on TCP)', () => {
  const s = setup();
  const req = request('BYE', generateBranch());
  const d = s.layer.receiveRequest(req, topVia(req)!, s.source, s.target);
  assert.equal(d.kind, 'new');
  const tx = (d as { transaction: InviteServerTransaction }).transaction;
  assert.equal(s.layer.receiveRequest(req, topVia(req)!, s.source, s.target).kind, 'absorbed');
  assert.equal(s.sent.length, 0);
  tx.reply(200);
  assert.equal(tx.holdsRequest, false);
  s.layer.receiveRequest(req, topVia(req)!, s.source, s.target);
  assert.equal(s.sent.length, 2);
  assert.equal(s.sent[1]!.text, s.sent[0]!.text, 'the kept response is re-sent without the request');
  s.clock.advance(64 * T1);
  assert.equal(tx.state, 'terminated');
  const t = setup('tcp');
  const r2 = request('BYE', generateBranch());
  const d2 = t.layer.receiveRequest(r2, topVia(r2)!, t.source, t.target) as { transaction: InviteServerTransaction };
  d2.transaction.reply(200);
  assert.equal(d2.transaction.state, 'terminated');
});

test('RFC 2543 peer (no magic cookie): retransmission and ACK still match the INVITE (§17.2.3 fallback)', () => {
  const s = setup();
  const req = request('INVITE', 'oldstyle1');
  const d = s.layer.receiveRequest(req, topVia(req)!, s.source, s.target) as {
    kind: string;
    transaction: InviteServerTransaction;
  };
  assert.equal(d.kind, 'new');
  d.transaction.reply(404);
  assert.equal(
    s.layer.receiveRequest(request('INVITE', 'oldstyle1'), topVia(req)!, s.source, s.target).kind,
    'absorbed',
  );
  const ack = request('ACK', 'oldstyle1', `;tag=${d.transaction.toTag}`);
  assert.equal(s.layer.receiveRequest(ack, topVia(ack)!, s.source, s.target).kind, 'absorbed');
  assert.equal(d.transaction.state, 'confirmed');
  const other = request('INVITE', 'oldstyle1', '', 2);
  assert.equal(
    s.layer.receiveRequest(other, topVia(other)!, s.source, s.target).kind,
    'new',
    'another CSeq is another transaction',
  );
});

test('a transport error ends a client transaction with transportError', async () => {
  const clock = new FakeTimers();
  const layer = new TransactionLayer({
    timers: { t1: T1 },
    timerHost: clock,
    counters: createSipCounters(),
    send: () => Promise.reject(new Error('ECONNREFUSED')),
  });
  const branch = generateBranch();
  const w = watchClient();
  const tx = layer.sendRequest(
    request('INVITE', branch),
    branch,
    { protocol: 'tcp', address: '127.0.0.1', port: 1 },
    w.user,
  );
  const err = (await w.transportError) as Error;
  assert.equal(err.message, 'ECONNREFUSED');
  assert.equal(tx.state, 'terminated');
  assert.equal(clock.pending, 0);
});

test('UAS 2xx retransmission (§13.3.1.4): re-sent T1, 2·T1 … T2 until the ACK (new branch) arrives', () => {
  const s = setup();
  const { tx } = serverInvite(s);
  tx.retransmit2xx = true;
  const acks: unknown[] = [];
  tx.on('ack', (a: unknown) => acks.push(a));
  tx.reply(200);
  s.clock.advance(150);
  assert.deepEqual(
    s.sent.map((x) => x.at),
    [0, 10, 30, 70, 110, 150],
  );
  assert.ok(s.sent.every((x) => x.text === s.sent[0]!.text));
  const ack = request('ACK', generateBranch(), `;tag=${tx.toTag}`);
  const d = s.layer.receiveRequest(ack, topVia(ack)!, s.source, s.target);
  assert.deepEqual(d, { kind: 'ack', transaction: tx });
  assert.equal(acks.length, 1);
  s.clock.advance(500);
  assert.equal(s.sent.length, 6, 'retransmission stopped by the ACK');
  s.clock.advance(64 * T1);
  assert.equal(tx.state, 'terminated');
});

test('UAS 2xx retransmission without ACK ends with timeout L; over TCP nothing is retransmitted', () => {
  const s = setup();
  const { tx } = serverInvite(s);
  tx.retransmit2xx = true;
  const timeouts: string[] = [];
  tx.on('timeout', (t: string) => timeouts.push(t));
  tx.reply(200);
  s.clock.advance(64 * T1);
  assert.deepEqual(timeouts, ['L']);
  const t = setup('tcp');
  const c = serverInvite(t);
  c.tx.retransmit2xx = true;
  c.tx.reply(200);
  t.clock.advance(64 * T1);
  assert.equal(t.sent.length, 1);
});

test('INVITE client stuck in Proceeding: Timer C (reset by each provisional) ends it with timeout C', () => {
  const s = setup();
  const { req, events } = startClient(s, 'INVITE');
  s.layer.receiveResponse(response(req, 180), topVia(req));
  s.clock.advance(299_000);
  s.layer.receiveResponse(response(req, 183), topVia(req));
  s.clock.advance(299_000);
  assert.deepEqual(events, ['prov 180', 'prov 183']);
  s.clock.advance(1_000);
  assert.deepEqual(events, ['prov 180', 'prov 183', 'timeout C', 'terminated']);
});

test('a transaction emits only its declared events: listening for what goes to its user does not compile', () => {
  // The checks that matter are the @ts-expect-error lines: each must be a compile error, or the build fails.
  const s = setup();
  const { tx } = startClient(s, 'OPTIONS');
  // @ts-expect-error a final response goes to the ClientTransactionUser, never as an event
  tx.on('final', () => {});
  // @ts-expect-error so does a transport error
  tx.once('transportError', () => {});
  const { tx: invite } = serverInvite(s);
  // @ts-expect-error an INVITE server transaction tells its user, not listeners, that the transport failed
  invite.on('transportError', () => {});
  // @ts-expect-error its CANCEL goes to its user too
  invite.on('cancel', () => {});
  const acks: string[] = [];
  invite.on('ack', (ack) => acks.push(ack.method));
  const options = request('OPTIONS', generateBranch());
  const d = s.layer.receiveRequest(options, topVia(options)!, s.source, s.target);
  assert.ok(d.kind === 'new' && d.transaction instanceof NonInviteServerTransaction);
  const errors: unknown[] = [];
  d.transaction.on('transportError', (err) => errors.push(err));
  // @ts-expect-error no ACK ever reaches a non-INVITE transaction
  d.transaction.on('ack', () => {});
  // The listeners' parameters are typed by the event: `ack` is a SipRequest.
  assert.deepEqual([acks, errors], [[], []]);
});
