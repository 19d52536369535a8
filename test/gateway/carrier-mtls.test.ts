import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { startCarrierUas } from '../support/carrier-uas.js';
import { makeCa, makeLeaf } from '../support/make-certs.js';
import { waitFor } from '../support/wait-for.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * Mutual TLS to a carrier: the carrier (node:tls, requestCert) accepts only a client certificate
 * from its CA. vsip with --carrier-tls-cert/--carrier-tls-key presents one and the INVITE gets
 * through; without them the handshake is refused and the call fails like an unreachable carrier.
 * In TLS 1.2 the refusal ends the handshake itself; in TLS 1.3 (RFC 8446 §4.4.2.4) the server's
 * alert comes after our side finished the handshake and wrote the INVITE, and closes the
 * connection: that loss is a transport error for the pending INVITE (RFC 3261 §17.1.4) at once,
 * not a timeout, so the call fails over or gets its 503 well before the destination timeout.
 */
let dir: string;
let server: Server;
let server12: Server;
let port: number;
let port12: number;
let certFile: string;
let keyFile: string;
/** Subjects (CN) of the client certificates the carrier accepted, and handshakes it refused. */
const accepted: string[] = [];
const refused: string[] = [];
let invites = 0;

/** Answers every INVITE 486 on the connection it came in on (enough to see it arrived). */
function answerBusy(socket: TLSSocket): void {
  let buf = '';
  socket.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
      const head = buf.slice(0, end);
      const length = Number(/^content-length:\s*(\d+)/im.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      buf = buf.slice(end + 4 + length);
      if (!head.startsWith('INVITE ')) continue;
      invites++;
      const lines = head.split('\r\n');
      const pick = (name: string): string[] => lines.filter((l) => l.toLowerCase().startsWith(`${name}:`));
      const to = pick('to')[0] ?? 'To: <sip:x@x>';
      socket.write(
        [
          'SIP/2.0 486 Busy Here',
          ...pick('via'),
          ...pick('from'),
          `${to};tag=mtls1`,
          ...pick('call-id'),
          ...pick('cseq'),
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
    }
  });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vsip-carrier-mtls-'));
  const serverCa = makeCa(join(dir));
  const carrierLeaf = makeLeaf(dir, 'carrier', serverCa, 'IP:127.0.0.1', 30);
  // The client certificate vsip presents, from the same CA the carrier trusts for clients.
  const client = makeLeaf(dir, 'vsip-client', serverCa, 'DNS:vsip.client.test', 30);
  certFile = client.certFile;
  keyFile = join(dir, 'vsip-client.key');
  const start = async (maxVersion: 'TLSv1.2' | 'TLSv1.3'): Promise<[Server, number]> => {
    const srv = createServer({
      cert: carrierLeaf.cert,
      key: readFileSync(join(dir, 'carrier.key')),
      ca: [serverCa.cert],
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion,
    });
    srv.on('secureConnection', (socket) => {
      accepted.push(String(socket.getPeerCertificate().subject?.CN));
      answerBusy(socket);
    });
    srv.on('tlsClientError', (err) => refused.push(err.message));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const a = srv.address();
    return [srv, typeof a === 'object' && a !== null ? a.port : 0];
  };
  [server, port] = await start('TLSv1.3');
  // TLS 1.2: the server's refusal of a missing client certificate ends the handshake itself.
  [server12, port12] = await start('TLSv1.2');
});
after(async () => {
  await Promise.all([server, server12].map((x) => new Promise<void>((r) => x.close(() => r()))));
  rmSync(dir, { recursive: true, force: true });
});

/** Long enough that a call failed by the destination timeout could not pass for a transport error. */
const DESTINATION_TIMEOUT = '20000';

async function callThrough(
  flags: Record<string, string>,
  expected: number,
  to = port,
  next?: string,
): Promise<{ cause: string | null; carrier: string | null; codes: unknown[] }> {
  const carriers = [testCarrier('mtls', [[`sips:127.0.0.1:${to}`, 0, 1]])];
  if (next !== undefined) carriers.push(testCarrier('next', [[next, 0, 1]]));
  const plan = new MemoryPlanSource(carriers, [
    [
      '',
      [
        ['mtls', 0, 1],
        ['next', 1, 1],
      ].slice(0, carriers.length) as Array<[string, number, number]>,
    ],
  ]);
  const h: Harness = await startHarness({
    carrierPlan: plan,
    flags: { carrierCaFile: join(dir, 'ca.pem'), ...flags },
  });
  const api = await ApiClient.create(h);
  try {
    const trunk = await api.terminationTrunk('pbx', '+919800000001', '127.0.0.2');
    const r = await runSipp({
      scenario: expected === 200 ? 'pbx-call.xml' : scenarioWithCode('pbx-rejected.xml', expected),
      remote: `127.0.0.1:${h.access('udp').port}`,
      localIp: '127.0.0.2',
      service: '+14155550100',
      keys: {
        caller: '+919800000001',
        host: `${h.accountSid}.pstn.exotel.com`,
        codecs: '0 8',
        maxfwd: '70',
      },
      timeoutSeconds: 20,
    });
    assert.equal(r.code, 0, `PBX expected ${expected}:\n${r.output.slice(-3000)}`);
    await h.gateway.callLog.flush();
    const c = (await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 })).items[0];
    const attempts = JSON.parse(c?.carrierAttempts ?? '[]') as Array<{ code: unknown }>;
    return { cause: c?.cause ?? null, carrier: c?.carrier ?? null, codes: attempts.map((a) => a.code) };
  } finally {
    await api.close();
    await h.close();
  }
}

test('carrier mTLS: with --carrier-tls-cert/--carrier-tls-key the carrier accepts vsip, gets the INVITE', async () => {
  const { cause } = await callThrough({ carrierTlsCert: certFile, carrierTlsKey: keyFile }, 486);
  assert.equal(cause, 'busy', "the carrier's own answer came back over the mutual-TLS connection");
  assert.deepEqual(accepted, ['vsip.client.test']);
  assert.equal(invites, 1);
  // And over TLS 1.2 the same.
  assert.equal((await callThrough({ carrierTlsCert: certFile, carrierTlsKey: keyFile }, 486, port12)).cause, 'busy');
  assert.equal(invites, 2);
});

test('carrier mTLS: without a client certificate the carrier refuses the handshake (503 carrier_error)', async () => {
  const before = { accepted: accepted.length, invites };
  const { cause, codes } = await callThrough({}, 503, port12);
  assert.equal(cause, 'carrier_error');
  assert.deepEqual(codes, ['transport']);
  await waitFor(() => refused.length > 0, 5000, 'the carrier to report the refused handshake');
  assert.match(refused.join('\n'), /certificate/i);
  assert.equal(accepted.length, before.accepted, 'no connection was accepted');
  assert.equal(invites, before.invites, 'no INVITE reached the carrier');
});

test('carrier mTLS over TLS 1.3: the refusal after the handshake fails at once (503, failover)', async () => {
  const before = { accepted: accepted.length, invites };
  const refusedBefore = refused.length;
  const flags = { sipDestinationTimeout: DESTINATION_TIMEOUT };
  let started = Date.now();
  const alone = await callThrough(flags, 503, port);
  const aloneMs = Date.now() - started;
  assert.equal(alone.cause, 'carrier_error');
  assert.deepEqual(alone.codes, ['transport'], 'the attempt failed on the transport, not by a timeout');
  assert.ok(aloneMs < Number(DESTINATION_TIMEOUT) / 2, `503 after ${aloneMs} ms, not at the destination timeout`);
  await waitFor(() => refused.length > refusedBefore, 5000, 'the carrier to report the refused certificate');
  assert.match(refused.slice(refusedBefore).join('\n'), /certificate/i);
  // With a second carrier on the route, the call goes on to it at once and completes there.
  const uas = await startCarrierUas();
  try {
    started = Date.now();
    const over = await callThrough(flags, 200, port, uas.uri());
    assert.equal(over.cause, 'completed');
    assert.equal(over.carrier, 'next');
    assert.deepEqual(over.codes, ['transport', 200]);
    assert.ok(Date.now() - started < Number(DESTINATION_TIMEOUT) / 2, 'failed over without waiting for a timer');
    assert.equal(uas.stats.byes, 1);
  } finally {
    await uas.close();
  }
  assert.equal(accepted.length, before.accepted, 'no connection was accepted');
  assert.equal(invites, before.invites, 'no INVITE reached the carrier');
});
