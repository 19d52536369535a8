import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseMessage } from '../../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message/types.js';
import { createSipCounters } from '../../../src/sip/sip-counters.js';
import { generateBranch } from '../../../src/sip/transaction/branch.js';
import { topVia } from '../../../src/sip/transaction/message-fields.js';
import {
  TransactionLayer,
  type ClientTransaction,
  type ServerTransaction,
} from '../../../src/sip/transaction/transaction-layer.js';
import type { SipProtocol, SipSource } from '../../../src/sip/transport/transport.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { request as rawRequest } from '../../support/sip-message.js';

const METHODS = ['INVITE', 'OPTIONS', 'BYE', 'REGISTER'] as const;
const STATUSES = [100, 180, 183, 200, 202, 302, 401, 404, 486, 500, 503, 603] as const;

function request(method: string, branch: string, toTag = ''): SipRequest {
  const text = rawRequest({
    method,
    uri: 'sip:x@127.0.0.1',
    from: '<sip:a@h>',
    fromTag: 'a',
    to: `<sip:x@h>${toTag}`,
    viaPort: 5070,
    branch,
    rport: false,
    maxForwards: null,
    callId: branch,
    contact: null,
  });
  return parseMessage(Buffer.from(text)) as SipRequest;
}

function response(req: SipRequest, status: number): SipResponse {
  const via = req.headers.find((h) => h.name === 'via')!.value;
  return parseMessage(
    Buffer.from(
      `SIP/2.0 ${status} X\r\nVia: ${via}\r\nFrom: <sip:a@h>;tag=a\r\nTo: <sip:x@h>;tag=b\r\nCall-ID: c\r\n` +
        `CSeq: 1 ${req.method}\r\nContent-Length: 0\r\n\r\n`,
    ),
  ) as SipResponse;
}

type Op =
  | { op: 'client'; method: number }
  | { op: 'respond'; tx: number; status: number }
  | { op: 'server'; method: number }
  | { op: 'retransmit'; tx: number }
  | { op: 'reply'; tx: number; status: number }
  | { op: 'ack'; tx: number }
  | { op: 'cancel'; tx: number }
  | { op: 'advance'; ms: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('client' as const), method: fc.nat(3) }),
  fc.record({ op: fc.constant('respond' as const), tx: fc.nat(20), status: fc.constantFrom(...STATUSES) }),
  fc.record({ op: fc.constant('server' as const), method: fc.nat(3) }),
  fc.record({ op: fc.constant('retransmit' as const), tx: fc.nat(20) }),
  fc.record({ op: fc.constant('reply' as const), tx: fc.nat(20), status: fc.constantFrom(...STATUSES) }),
  fc.record({ op: fc.constant('ack' as const), tx: fc.nat(20) }),
  fc.record({ op: fc.constant('cancel' as const), tx: fc.nat(20) }),
  fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 2000 }) }),
);

test('random message and timer sequences never throw, and every transaction ends with no timer left', () => {
  fc.assert(
    fc.property(fc.constantFrom<SipProtocol>('udp', 'tcp'), fc.array(opArb, { maxLength: 60 }), (protocol, ops) => {
      const clock = new FakeTimers();
      const counters = createSipCounters();
      const layer = new TransactionLayer({
        timers: { t1: 10, t2: 40, t4: 50, timerD: 320, timerC: 2000 },
        timerHost: clock,
        counters,
        send: () => undefined,
      });
      const target = { protocol, address: '127.0.0.1', port: 5070 };
      const source: SipSource = { ...target, local: { address: '127.0.0.1', port: 5060 } };
      const clients: Array<{ tx: ClientTransaction; req: SipRequest }> = [];
      const servers: Array<{ tx: ServerTransaction; req: SipRequest }> = [];
      for (const o of ops) {
        switch (o.op) {
          case 'client': {
            const branch = generateBranch();
            const req = request(METHODS[o.method]!, branch);
            clients.push({ tx: layer.sendRequest(req, branch, target), req });
            break;
          }
          case 'respond': {
            const c = clients[o.tx % Math.max(1, clients.length)];
            if (c) layer.receiveResponse(response(c.req, o.status), topVia(c.req));
            break;
          }
          case 'server': {
            const req = request(METHODS[o.method]!, generateBranch());
            const d = layer.receiveRequest(req, topVia(req)!, source, target);
            if (d.kind === 'new') servers.push({ tx: d.transaction, req });
            break;
          }
          case 'retransmit': {
            const s = servers[o.tx % Math.max(1, servers.length)];
            if (s) {
              // after the transaction ended (TCP: at once) a retransmission is a new request
              const d = layer.receiveRequest(s.req, topVia(s.req)!, source, target);
              if (d.kind === 'new') servers.push({ tx: d.transaction, req: s.req });
            }
            break;
          }
          case 'reply': {
            const s = servers[o.tx % Math.max(1, servers.length)];
            s?.tx.reply(o.status);
            break;
          }
          case 'ack': {
            const s = servers[o.tx % Math.max(1, servers.length)];
            if (s && s.req.method === 'INVITE') {
              const branch = topVia(s.req)!.branch!;
              const ack = request('ACK', branch, `;tag=${s.tx.toTag}`);
              layer.receiveRequest(ack, topVia(ack)!, source, target);
            }
            break;
          }
          case 'cancel': {
            const s = servers[o.tx % Math.max(1, servers.length)];
            if (s) {
              const cancel = request('CANCEL', topVia(s.req)!.branch!);
              layer.receiveRequest(cancel, topVia(cancel)!, source, target);
            }
            break;
          }
          case 'advance':
            clock.advance(o.ms);
            break;
        }
      }
      // The core answers whatever it left pending; then every timer must run out.
      for (const s of servers) if (s.tx.state === 'proceeding' || s.tx.state === 'trying') s.tx.reply(500);
      clock.advance(10 * 64 * 10 + 3000);
      assert.equal(clock.pending, 0);
      assert.equal(counters.activeTransactions, 0);
      assert.deepEqual(layer.size, { client: 0, server: 0 });
      for (const c of clients) assert.equal(c.tx.state, 'terminated');
    }),
    { numRuns: 300 },
  );
});
