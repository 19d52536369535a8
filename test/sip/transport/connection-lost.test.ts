import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { parseMessage, type SipRequest } from '../../../src/sip/message/index.js';
import { createSipEndpoint, type SipEndpoint } from '../../../src/sip/sip-endpoint.js';
import type { ClientTransaction } from '../../../src/sip/transaction/transaction-layer.js';
import type { SipTarget } from '../../../src/sip/transport/transport.js';
import { FakeTimers } from '../../support/fake-timers.js';
import { makeCa, makeLeaf } from '../../support/make-certs.js';
import { request } from '../../support/sip-message.js';
import { watchClient } from '../../support/watch-client.js';

/**
 * RFC 3261 §17.1.4: a TCP/TLS connection lost before a client transaction's final response is a
 * transport error for that transaction, reported at once — not Timer B or F 32 s later. The
 * endpoints here run on fake timers that never advance, so no timer can be what ends a
 * transaction: only the connection's loss can.
 */
let dir: string;
let ca: { certFile: string; keyFile: string; cert: string };
let serverCert: { cert: string; key: string };
let clientCertFile: string;
let clientKeyFile: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'vsip-conn-lost-'));
  ca = makeCa(dir);
  serverCert = makeLeaf(dir, 'carrier', ca, 'IP:127.0.0.1', 30);
  clientCertFile = makeLeaf(dir, 'client', ca, 'DNS:client.test', 30).certFile;
  clientKeyFile = join(dir, 'client.key');
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sipRequest(method: 'INVITE' | 'OPTIONS', protocol: 'TCP' | 'TLS'): SipRequest {
  const text = request({ method, uri: 'sip:carrier@127.0.0.1', viaPort: 5060, transport: protocol, contact: null });
  // The endpoint adds its own Via.
  return parseMessage(Buffer.from(text.replace(/Via: [^\r]*\r\n/, ''))) as SipRequest;
}

/** The outcome a transaction reported, or 'none' when it reported nothing within `ms`. */
async function outcome(w: ReturnType<typeof watchClient>, ms = 15_000): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const none = new Promise<string>((r) => {
    timer = setTimeout(() => r('none'), ms);
  });
  try {
    return await Promise.race([
      w.transportError.then((err) => ({ transportError: err })),
      w.final.then((res) => ({ final: res.status })),
      w.timeout.then((timer) => ({ timeout: timer })),
      none,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A raw TCP server; `onData` sees each connection and the first bytes it received. */
async function rawServer(onData: (socket: net.Socket, data: string) => void): Promise<net.Server & { port: number }> {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', (d: Buffer) => onData(s, d.toString('latin1')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return Object.assign(server, { port: (server.address() as net.AddressInfo).port });
}

/** A response to the request in `text` (its Via, From, To, Call-ID and CSeq). */
function answer(text: string, status: string): string {
  const head = text.slice(0, text.indexOf('\r\n\r\n')).split('\r\n');
  const pick = (name: string): string[] => head.filter((l) => l.toLowerCase().startsWith(`${name}:`));
  return [
    `SIP/2.0 ${status}`,
    ...pick('via'),
    ...pick('from'),
    `${pick('to')[0]};tag=t1`,
    ...pick('call-id'),
    ...pick('cseq'),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
}

async function tcpClient(): Promise<SipEndpoint> {
  return createSipEndpoint({ listen: [], clientProtocols: ['tcp'], timerHost: new FakeTimers() });
}

const close = (s: net.Server | tls.Server): Promise<void> => new Promise((r) => s.close(() => r()));

for (const [how, end] of [
  ['closes (FIN)', (s: net.Socket) => s.end()],
  ['resets (RST)', (s: net.Socket) => s.resetAndDestroy()],
] as const) {
  test(`TCP: a peer that reads the INVITE and ${how} fails the transaction at once`, async () => {
    const server = await rawServer((s) => end(s));
    const client = await tcpClient();
    try {
      const w = watchClient();
      const target: SipTarget = { protocol: 'tcp', address: '127.0.0.1', port: server.port };
      const tx = client.sendRequest(sipRequest('INVITE', 'TCP'), target, w.user);
      const got = (await outcome(w)) as { transportError?: Error };
      assert.ok(got.transportError instanceof Error, `expected a transport error, got ${JSON.stringify(got)}`);
      assert.match(got.transportError.message, /closed before the final response/);
      if (how === 'resets (RST)') assert.equal((got.transportError as NodeJS.ErrnoException).code, 'ECONNRESET');
      assert.equal(tx.state, 'terminated');
      assert.equal(client.transactions.size.client, 0);
    } finally {
      await client.close();
      await close(server);
    }
  });
}

test('TCP: an INVITE that got 100 Trying, then lost its connection, fails at once (no Timer C wait)', async () => {
  const server = await rawServer((s, text) => {
    s.write(answer(text, '100 Trying'));
    setImmediate(() => s.end());
  });
  const client = await tcpClient();
  try {
    const provisionals: number[] = [];
    const w = watchClient((res) => provisionals.push(res.status));
    client.sendRequest(
      sipRequest('INVITE', 'TCP'),
      { protocol: 'tcp', address: '127.0.0.1', port: server.port },
      w.user,
    );
    const got = (await outcome(w)) as { transportError?: Error };
    assert.deepEqual(provisionals, [100]);
    assert.ok(got.transportError instanceof Error, JSON.stringify(got));
  } finally {
    await client.close();
    await close(server);
  }
});

test('TCP: answered requests let go of the connection; only the one still waiting hears of its loss', async () => {
  const server = net.createServer((s) => {
    s.on('error', () => {});
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        const msg = buf.slice(0, end + 4);
        buf = buf.slice(end + 4);
        // Every request is answered but the one marked last: that one sees the connection close.
        if (msg.toLowerCase().includes('x-last: yes')) s.end();
        else s.write(answer(msg, '200 OK'));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const client = await tcpClient();
  try {
    const target: SipTarget = {
      protocol: 'tcp',
      address: '127.0.0.1',
      port: (server.address() as net.AddressInfo).port,
    };
    const answered: ClientTransaction[] = [];
    const lateErrors: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const w = watchClient();
      void w.transportError.then((e) => lateErrors.push(e));
      answered.push(client.sendRequest(sipRequest('OPTIONS', 'TCP'), target, w.user));
      assert.deepEqual(await outcome(w), { final: 200 });
    }
    for (const tx of answered) assert.equal(tx.watching, undefined, 'an answered transaction watches nothing');
    const last = sipRequest('OPTIONS', 'TCP');
    last.headers.push({ name: 'x-last', value: 'yes' });
    const w = watchClient();
    const pending = client.sendRequest(last, target, w.user);
    assert.equal(pending.watching?.size, 1, 'the one request still waiting is the only watcher');
    assert.equal(client.counters.connectionsOpened, 1, 'all of them went over one connection');
    const got = (await outcome(w)) as { transportError?: Error };
    assert.ok(got.transportError instanceof Error, JSON.stringify(got));
    assert.deepEqual(lateErrors, [], 'the answered ones heard nothing');
  } finally {
    await client.close();
    await close(server);
  }
});

test('TLS 1.3: a carrier that refuses our missing client certificate fails the INVITE at once', async () => {
  // TLS 1.3 (RFC 8446 §4.4.2.4): our side finishes the handshake and writes the INVITE before the
  // server checks the (absent) certificate; its alert then closes the connection.
  const refused: string[] = [];
  const server = tls.createServer({
    cert: serverCert.cert,
    key: serverCert.key,
    ca: [ca.cert],
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.3',
  });
  server.on('tlsClientError', (err) => refused.push(err.message));
  server.on('secureConnection', (s) => s.on('data', (d: Buffer) => s.write(answer(d.toString('latin1'), '486 Busy'))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const endpoint = (clientCert: boolean): Promise<SipEndpoint> =>
    createSipEndpoint({
      listen: [],
      clientProtocols: ['tls'],
      timerHost: new FakeTimers(),
      tls: { certFile: clientCertFile, keyFile: clientKeyFile, caFile: ca.certFile, clientCert },
    });
  const without = await endpoint(false);
  const withCert = await endpoint(true);
  try {
    const target: SipTarget = { protocol: 'tls', address: '127.0.0.1', port };
    const w = watchClient();
    without.sendRequest(sipRequest('INVITE', 'TLS'), target, w.user);
    const got = (await outcome(w)) as { transportError?: Error };
    assert.ok(got.transportError instanceof Error, `expected a transport error, got ${JSON.stringify(got)}`);
    assert.match(got.transportError.message, /certificate/i, 'the alert names the certificate');
    assert.match(refused.join('\n'), /certificate/i);
    // The same carrier with our client certificate answers over the connection.
    const ok = watchClient();
    withCert.sendRequest(sipRequest('INVITE', 'TLS'), target, ok.user);
    assert.deepEqual(await outcome(ok), { final: 486 });
  } finally {
    await without.close();
    await withCert.close();
    await close(server);
  }
});
