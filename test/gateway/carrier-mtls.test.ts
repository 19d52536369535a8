import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../support/gateway-harness.js';
import { ApiClient } from '../support/api-client.js';
import { runSipp, scenarioWithCode } from '../support/sipp.js';
import { makeCa, makeLeaf } from '../support/make-certs.js';
import { waitFor } from '../support/wait-for.js';
import { MemoryPlanSource, testCarrier } from './carrier-fixtures.js';

/**
 * Mutual TLS to a carrier: the carrier (node:tls, requestCert) accepts only a client certificate
 * from its CA. vsip with --carrier-tls-cert/--carrier-tls-key presents one and the INVITE gets
 * through; without them the handshake is refused and the call fails like an unreachable carrier.
 * The refusal is tested on a TLS 1.2 carrier: in TLS 1.3 (RFC 8446 §4.4.2.4) the server's alert
 * comes after the client's handshake is complete and its INVITE written, and the relay learns of
 * it only by its timeout (504), not as a transport error.
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

async function callThrough(flags: Record<string, string>, expected: number, to = port): Promise<string | null> {
  const plan = new MemoryPlanSource([testCarrier('mtls', [[`sips:127.0.0.1:${to}`, 0, 1]])], [['', [['mtls', 0, 1]]]]);
  const h: Harness = await startHarness({
    carrierPlan: plan,
    flags: { carrierCaFile: join(dir, 'ca.pem'), ...flags },
  });
  const api = await ApiClient.create(h);
  try {
    const trunk = await api.terminationTrunk('pbx', '+919800000001', '127.0.0.2');
    const r = await runSipp({
      scenario: scenarioWithCode('pbx-rejected.xml', expected),
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
    return (await h.store.listCalls(h.accountSid, trunk, { limit: 1, offset: 0 })).items[0]?.cause ?? null;
  } finally {
    await api.close();
    await h.close();
  }
}

test('carrier mTLS: with --carrier-tls-cert/--carrier-tls-key the carrier accepts vsip, gets the INVITE', async () => {
  const cause = await callThrough({ carrierTlsCert: certFile, carrierTlsKey: keyFile }, 486);
  assert.equal(cause, 'busy', "the carrier's own answer came back over the mutual-TLS connection");
  assert.deepEqual(accepted, ['vsip.client.test']);
  assert.equal(invites, 1);
  // And over TLS 1.2 the same.
  assert.equal(await callThrough({ carrierTlsCert: certFile, carrierTlsKey: keyFile }, 486, port12), 'busy');
  assert.equal(invites, 2);
});

test('carrier mTLS: without a client certificate the carrier refuses the handshake (503 carrier_error)', async () => {
  const before = { accepted: accepted.length, invites };
  const cause = await callThrough({}, 503, port12);
  assert.equal(cause, 'carrier_error');
  await waitFor(() => refused.length > 0, 5000, 'the carrier to report the refused handshake');
  assert.match(refused.join('\n'), /certificate/i);
  assert.equal(accepted.length, before.accepted, 'no connection was accepted');
  assert.equal(invites, before.invites, 'no INVITE reached the carrier');
});
