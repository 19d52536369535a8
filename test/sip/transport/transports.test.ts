import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import dgram from 'node:dgram';
import diagnosticsChannel from 'node:diagnostics_channel';
import { mkdtempSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { parseMessage } from '../../../src/sip/message/index.js';
import type { SipResponse } from '../../../src/sip/message/types.js';
import { createSipEndpoint, type SipEndpoint } from '../../../src/sip/sip-endpoint.js';
import type { SipProtocol } from '../../../src/sip/transport/transport.js';
import { watchClient } from '../../support/watch-client.js';
import { waitFor } from '../../support/wait-for.js';
import { request } from '../../support/sip-message.js';

/** An OPTIONS with a fixed Call-ID per branch; `rport` asks for the answer at the source (RFC 3581). */
function optionsRequest(protocol: 'UDP' | 'TCP' | 'TLS', port: number, branch = 'z9hG4bKt1', rport = false): string {
  return request({
    method: 'OPTIONS',
    uri: 'sip:gw@127.0.0.1',
    from: '<sip:a@127.0.0.1>',
    fromTag: 'f1',
    transport: protocol,
    viaPort: port,
    branch,
    rport,
    callId: `c-${branch}`,
    contact: null,
  });
}

async function endpoint(
  protocols: SipProtocol[],
  extra: Partial<Parameters<typeof createSipEndpoint>[0]> = {},
): Promise<SipEndpoint> {
  const ep = await createSipEndpoint({
    listen: protocols.map((protocol) => ({ protocol, host: '127.0.0.1', port: 0 })),
    ...extra,
  });
  ep.onRequest((tx) =>
    tx.reply(200, 'OK', {
      headers: [{ name: 'X-Seen-Via', value: tx.request.headers.find((h) => h.name === 'via')!.value }],
    }),
  );
  return ep;
}

const portOf = (ep: SipEndpoint, p: SipProtocol): number => ep.addresses().find((a) => a.protocol === p)!.port;

function readStream(socket: net.Socket): () => Promise<string> {
  let buf = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (d: Buffer) => {
    buf += d.toString();
    for (const w of waiters.splice(0)) w();
  });
  return async () => {
    while (!buf.includes('\r\n\r\n')) await new Promise<void>((r) => waiters.push(r));
    const end = buf.indexOf('\r\n\r\n') + 4;
    const msg = buf.slice(0, end);
    buf = buf.slice(end);
    return msg;
  };
}

test('UDP: response goes to the rport source; Via gets received/rport stamped (RFC 3581)', async () => {
  const ep = await endpoint(['udp']);
  const client = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const got = new Promise<Buffer>((r) => client.once('message', r));
    // sent-by names another host and port: only rport brings the answer back here.
    client.send(
      optionsRequest('UDP', 1, 'z9hG4bKudp1', true).replace('127.0.0.1:1', '192.0.2.7:5099'),
      portOf(ep, 'udp'),
      '127.0.0.1',
    );
    const res = parseMessage(await got) as SipResponse;
    assert.equal(res.status, 200);
    const via = res.headers.find((h) => h.name === 'via')!.value;
    assert.match(via, /received=127\.0\.0\.1/);
    assert.match(via, new RegExp(`rport=${client.address().port}`));
  } finally {
    client.close();
    await ep.close();
  }
});

test('UDP: a malformed datagram with a usable Via gets 400, garbage is dropped, CRLF keep-alive ignored', async () => {
  const ep = await endpoint(['udp']);
  const client = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
    const port = client.address().port;
    const got = new Promise<Buffer>((r) => client.once('message', r));
    client.send(Buffer.from('\r\n\r\n'), portOf(ep, 'udp'), '127.0.0.1');
    client.send(Buffer.from('\x00\x01garbage'), portOf(ep, 'udp'), '127.0.0.1');
    const bad = optionsRequest('UDP', port, 'z9hG4bKbad').replace('CSeq: 1 OPTIONS', 'CSeq: one OPTIONS');
    client.send(Buffer.from(bad), portOf(ep, 'udp'), '127.0.0.1');
    const res = parseMessage(await got) as SipResponse;
    assert.equal(res.status, 400);
    assert.ok(
      res.reason.length > 'Bad Request'.length || /CSeq/i.test(res.reason),
      `reason names the fault: ${res.reason}`,
    );
    assert.equal(ep.counters.parseErrors.udp, 2);
    assert.equal(ep.counters.keepalivesIn, 1);
    // and the endpoint still works
    const ok = new Promise<Buffer>((r) => client.once('message', r));
    client.send(Buffer.from(optionsRequest('UDP', port, 'z9hG4bKgood')), portOf(ep, 'udp'), '127.0.0.1');
    assert.equal((parseMessage(await ok) as SipResponse).status, 200);
  } finally {
    client.close();
    await ep.close();
  }
});

test('TCP: pipelined requests in one write, split across writes; CRLFCRLF ping gets a CRLF pong', async () => {
  const ep = await endpoint(['tcp']);
  const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
  try {
    await new Promise<void>((r) => socket.once('connect', () => r()));
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.write('\r\n\r\n');
    await waitFor(() => chunks.length > 0, 10_000, 'the pong');
    assert.equal(Buffer.concat(chunks).toString(), '\r\n', 'RFC 5626 §4.4.1 pong');
    chunks.length = 0;
    const two =
      optionsRequest('TCP', socket.localPort!, 'z9hG4bKp1') + optionsRequest('TCP', socket.localPort!, 'z9hG4bKp2');
    socket.write(two.slice(0, 100));
    await new Promise((r) => setTimeout(r, 20));
    socket.write(two.slice(100));
    await waitFor(
      () =>
        (Buffer.concat(chunks)
          .toString()
          .match(/SIP\/2.0 200 OK/g)?.length ?? 0) >= 2,
      10_000,
      'two answers',
    );
    const text = Buffer.concat(chunks).toString();
    assert.equal(text.match(/SIP\/2.0 200 OK/g)?.length, 2);
    assert.equal(ep.counters.connectionsOpened, 1);
  } finally {
    socket.destroy();
    await ep.close();
  }
});

test('TCP: 1,000 pipelined requests (> 200 KB in one write) are all answered — no flood cut-off', async () => {
  const ep = await endpoint(['tcp']);
  const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
  try {
    await new Promise<void>((r) => socket.once('connect', () => r()));
    let text = '';
    let count = 0;
    const done = new Promise<void>((resolve) => {
      socket.on('data', (d: Buffer) => {
        text += d.toString();
        count = text.split('SIP/2.0 200 OK').length - 1;
        if (count >= 1000) resolve();
      });
    });
    let all = '';
    for (let i = 0; i < 1000; i++) all += optionsRequest('TCP', socket.localPort!, `z9hG4bKflood${i}`);
    assert.ok(all.length > 200_000, `${all.length} bytes`);
    socket.write(all);
    await done;
    assert.equal(count, 1000);
    assert.equal(ep.counters.parseErrors.tcp, 0);
    assert.equal(ep.counters.connectionsClosed, 0);
  } finally {
    socket.destroy();
    await ep.close();
  }
});

test('TCP: a framing error gets 400 and the connection is closed', async () => {
  const ep = await endpoint(['tcp']);
  const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
  try {
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.write(optionsRequest('TCP', 5060, 'z9hG4bKcl').replace('Content-Length: 0', 'Content-Length: abc'));
    await closed;
    assert.match(text, /^SIP\/2.0 400 /);
    assert.equal(ep.counters.parseErrors.tcp, 1);
  } finally {
    socket.destroy();
    await ep.close();
  }
});

test('TCP: idle connections are closed after idleTimeoutMs', async () => {
  const ep = await endpoint(['tcp'], { idleTimeoutMs: 100 });
  const events: string[] = [];
  let id: string | undefined;
  const onConn = (m: unknown): void => {
    // only this test's connection: a previous test's socket may report its close late
    const e = m as { event: string; connectionId: string };
    if (e.event === 'open') id ??= e.connectionId;
    if (e.connectionId === id) events.push(e.event);
  };
  diagnosticsChannel.subscribe('vsip:sip:transport:connection', onConn);
  const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
  try {
    const t0 = Date.now();
    await new Promise<void>((r) => socket.once('close', () => r()));
    const waited = Date.now() - t0;
    for (let i = 0; i < 1000 && !events.includes('close'); i++) await new Promise((r) => setTimeout(r, 10));
    // Not before idleTimeoutMs; the upper bound only tells "closed" from "kept" (a busy machine adds seconds).
    assert.ok(waited >= 90 && waited < 10_000, `closed after ${waited} ms`);
    assert.deepEqual(events, ['open', 'idle-timeout', 'close']);
  } finally {
    diagnosticsChannel.unsubscribe('vsip:sip:transport:connection', onConn);
    socket.destroy();
    await ep.close();
  }
});

test('TCP client: requests to the same peer reuse one connection; responses come back over it', async () => {
  const server = await endpoint(['tcp']);
  const client = await createSipEndpoint({ listen: [], clientProtocols: ['tcp'] });
  try {
    const target = { protocol: 'tcp' as const, address: '127.0.0.1', port: portOf(server, 'tcp') };
    const finals: number[] = [];
    for (let i = 0; i < 3; i++) {
      const req = parseMessage(
        Buffer.from(
          optionsRequest('TCP', 5060, `x${i}`)
            .replace(/Via: [^\r]*\r\n/, '')
            .replace(`c-x${i}`, `c-reuse-${i}`),
        ),
      );
      const w = watchClient();
      client.sendRequest(req as never, target, w.user);
      finals.push((await w.final).status);
    }
    assert.deepEqual(finals, [200, 200, 200]);
    assert.equal(server.counters.connectionsOpened, 1);
    assert.equal(client.counters.connectionsOpened, 1);
  } finally {
    await client.close();
    await server.close();
  }
});

test('TCP client: connection refused is a transportError on the transaction', async () => {
  const client = await createSipEndpoint({ listen: [], clientProtocols: ['tcp'] });
  const probe = net.createServer();
  const port = await new Promise<number>((r) =>
    probe.listen(0, '127.0.0.1', () => r((probe.address() as net.AddressInfo).port)),
  );
  await new Promise<void>((r) => probe.close(() => r()));
  try {
    const req = parseMessage(Buffer.from(optionsRequest('TCP', 5060, 'refused').replace(/Via: [^\r]*\r\n/, '')));
    const w = watchClient();
    const tx = client.sendRequest(req as never, { protocol: 'tcp', address: '127.0.0.1', port }, w.user);
    const err = await w.transportError;
    assert.match(String((err as NodeJS.ErrnoException).code), /ECONNREFUSED/);
    assert.equal(tx.state, 'terminated');
  } finally {
    await client.close();
  }
});

test(
  'TLS: self-signed certificate generated into the data dir; a Node TLS client gets its response over the same ' +
    'connection',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsip-tls-'));
    const ep = await endpoint(['tls'], { tls: { selfSignedDir: dir } });
    try {
      assert.equal(statSync(join(dir, 'sip-tls-key.pem')).mode & 0o777, 0o600);
      const socket = tls.connect({ host: '127.0.0.1', port: portOf(ep, 'tls'), rejectUnauthorized: false });
      await new Promise<void>((r) => socket.once('secureConnect', () => r()));
      const read = readStream(socket);
      socket.write(optionsRequest('TLS', socket.localPort!, 'z9hG4bKtls1'));
      const first = await read();
      assert.match(first, /^SIP\/2.0 200 OK/);
      socket.write(optionsRequest('TLS', socket.localPort!, 'z9hG4bKtls2'));
      assert.match(await read(), /^SIP\/2.0 200 OK/);
      assert.equal(ep.counters.connectionsOpened, 1);
      assert.equal(ep.counters.messagesIn.tls, 2);
      socket.destroy();
      // a second endpoint on the same dir reuses the certificate
      const again = await endpoint(['tls'], { tls: { selfSignedDir: dir } });
      await again.close();
    } finally {
      await ep.close();
    }
  },
);

test(
  'TLS client with certificate verification: TLS endpoint to TLS endpoint using the generated cert as ' + 'CA',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vsip-tls-'));
    const server = await endpoint(['tls'], { tls: { selfSignedDir: dir } });
    const client = await createSipEndpoint({
      listen: [],
      clientProtocols: ['tls'],
      tls: { selfSignedDir: dir, caFile: join(dir, 'sip-tls-cert.pem') },
    });
    const untrusting = await createSipEndpoint({
      listen: [],
      clientProtocols: ['tls'],
      tls: { selfSignedDir: mkdtempSync(join(tmpdir(), 'vsip-tls-')) },
    });
    try {
      const req = parseMessage(Buffer.from(optionsRequest('TLS', 5061, 'tc').replace(/Via: [^\r]*\r\n/, '')));
      const w = watchClient();
      client.sendRequest(req as never, { protocol: 'tls', address: '127.0.0.1', port: portOf(server, 'tls') }, w.user);
      const res = await w.final;
      assert.equal(res.status, 200);
      assert.match(res.headers.find((h) => h.name === 'x-seen-via')!.value, /^SIP\/2.0\/TLS /);
      // without the CA the self-signed server certificate is refused: a transport error, not a hang
      const req2 = parseMessage(Buffer.from(optionsRequest('TLS', 5061, 'tc2').replace(/Via: [^\r]*\r\n/, '')));
      const w2 = watchClient();
      untrusting.sendRequest(
        req2 as never,
        { protocol: 'tls', address: '127.0.0.1', port: portOf(server, 'tls') },
        w2.user,
      );
      const err = await w2.transportError;
      assert.match(String((err as NodeJS.ErrnoException).code), /SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      await untrusting.close();
      await client.close();
      await server.close();
    }
  },
);

test(
  "TCP/TLS client connections leave from the listener's own IP (127.0.0.2), so source-IP whitelists see " + 'it',
  async () => {
    const server = await endpoint(['tcp']);
    const sources: string[] = [];
    server.onRequest((tx) => {
      sources.push(tx.source.address);
      tx.reply(200);
    });
    const client = await createSipEndpoint({ listen: [{ protocol: 'tcp', host: '127.0.0.2', port: 0 }] });
    try {
      const req = parseMessage(Buffer.from(optionsRequest('TCP', 5060, 'src').replace(/Via: [^\r]*\r\n/, '')));
      const w = watchClient();
      client.sendRequest(req as never, { protocol: 'tcp', address: '127.0.0.1', port: portOf(server, 'tcp') }, w.user);
      assert.equal((await w.final).status, 200);
      assert.deepEqual(sources, ['127.0.0.2']);
    } finally {
      await client.close();
      await server.close();
    }
  },
);

test(
  "TCP: when the request's connection has closed, the response goes over a new connection to the sent-by port " +
    '(§18.2.2)',
  async () => {
    const ep = await createSipEndpoint({ listen: [{ protocol: 'tcp', host: '127.0.0.1', port: 0 }] });
    ep.onRequest((tx) => setTimeout(() => tx.reply(200), 50));
    const listener = net.createServer();
    const lport = await new Promise<number>((r) =>
      listener.listen(0, '127.0.0.1', () => r((listener.address() as net.AddressInfo).port)),
    );
    const got = new Promise<string>((resolve) =>
      listener.on('connection', (s) => s.once('data', (d: Buffer) => resolve(d.toString()))),
    );
    const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      socket.end(optionsRequest('TCP', lport, 'z9hG4bKgone'));
      assert.match(await got, /^SIP\/2.0 200 OK/);
    } finally {
      socket.destroy();
      await ep.close();
      await new Promise<void>((r) => listener.close(() => r()));
    }
  },
);

test(
  'UDP: datagrams sent in one loop turn leave in order; close() sends what is queued; bad port and closed ' +
    'transport throw at once',
  async () => {
    const { UdpTransport } = await import('../../../src/sip/transport/udp.js');
    const { createSipCounters } = await import('../../../src/sip/sip-counters.js');
    const t = await UdpTransport.listen({
      host: '127.0.0.1',
      port: 0,
      counters: createSipCounters(),
      onMessage: () => {},
    });
    const client = dgram.createSocket('udp4');
    try {
      await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
      const got: string[] = [];
      const all = new Promise<void>((r) => client.on('message', (m) => got.push(m.toString()) === 300 && r()));
      const target = { protocol: 'udp' as const, address: '127.0.0.1', port: client.address().port };
      for (let i = 0; i < 200; i++) t.send(Buffer.from(`d${i}`), target);
      // Drained before the next burst: 300 at once can overflow the receiving socket's buffer when a
      // busy machine does not schedule this process in between (loss on loopback, not a send bug).
      await waitFor(() => got.length >= 200, 10_000, 'the first 200 datagrams');
      // The last 100 are queued and the transport closed in the same turn: they must still leave.
      for (let i = 200; i < 300; i++) t.send(Buffer.from(`d${i}`), target);
      assert.throws(() => t.send(Buffer.from('x'), { ...target, port: 0 }), /invalid UDP port 0/);
      assert.throws(() => t.send(Buffer.from('x'), { ...target, port: 70000 }), /invalid UDP port 70000/);
      await t.close();
      assert.throws(() => t.send(Buffer.from('x'), target), /closed/);
      await Promise.race([all, new Promise((r) => setTimeout(r, 10_000))]);
      assert.deepEqual(
        got,
        Array.from({ length: 300 }, (_, i) => `d${i}`),
      );
    } finally {
      client.close();
    }
  },
);

test(
  'UDP: a datagram of 65,507 octets leaves, one octet more throws at once (EMSGSIZE would only surface ' + 'later)',
  async () => {
    const { UdpTransport } = await import('../../../src/sip/transport/udp.js');
    const { createSipCounters } = await import('../../../src/sip/sip-counters.js');
    const t = await UdpTransport.listen({
      host: '127.0.0.1',
      port: 0,
      counters: createSipCounters(),
      onMessage: () => {},
    });
    const client = dgram.createSocket({ type: 'udp4', recvBufferSize: 1 << 20 });
    try {
      await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
      const got = new Promise<number>((r) => client.once('message', (m) => r(m.length)));
      const target = { protocol: 'udp' as const, address: '127.0.0.1', port: client.address().port };
      assert.throws(() => t.send(Buffer.alloc(65_508, 0x61), target), /too large for a UDP datagram/);
      t.send(Buffer.alloc(65_507, 0x61), target);
      assert.equal(await got, 65_507);
    } finally {
      client.close();
      await t.close();
    }
  },
);

test('UDP client: a request too large for a datagram is a transportError at once, not a Timer B timeout', async () => {
  const client = await createSipEndpoint({ listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  const peer = dgram.createSocket('udp4');
  try {
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    let received = 0;
    peer.on('message', () => received++);
    const req = parseMessage(Buffer.from(optionsRequest('UDP', 5060, 'big').replace(/Via: [^\r]*\r\n/, '')));
    // 66 KB: more than a datagram holds once our Via is on top.
    for (let i = 0; i < 4; i++) req.headers.push({ name: 'x-big', value: 'b'.repeat(16_500) });
    const t0 = performance.now();
    const w = watchClient();
    const tx = client.sendRequest(
      req as never,
      { protocol: 'udp', address: '127.0.0.1', port: peer.address().port },
      w.user,
    );
    const outcome = await Promise.race([
      w.transportError.then((err) => `transportError: ${(err as Error).message}`),
      w.timeout.then(() => 'timeout'),
    ]);
    assert.match(outcome, /^transportError: .*too large for a UDP datagram/);
    // Timer B would be 32 s (64·T1): the bound leaves a busy machine room and still tells the two apart.
    assert.ok(performance.now() - t0 < 10_000, 'reported at once');
    assert.equal(tx.state, 'terminated');
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(received, 0);
  } finally {
    peer.close();
    await client.close();
  }
});

test(
  'TCP: octets that are not UTF-8 in headers and a multi-byte body go through the transport as they came, framed ' +
    'by octet Content-Length',
  async () => {
    const ep = await createSipEndpoint({ listen: [{ protocol: 'tcp', host: '127.0.0.1', port: 0 }] });
    // Echo the octets: the header value and the body back in the response.
    ep.onRequest((tx) =>
      tx.reply(200, 'OK', {
        headers: [{ name: 'X-Echo', value: tx.request.headers.find((h) => h.name === 'x-octets')!.value }],
        body: tx.request.body,
        contentType: 'application/octet-stream',
      }),
    );
    const socket = net.connect(portOf(ep, 'tcp'), '127.0.0.1');
    try {
      await new Promise<void>((r) => socket.once('connect', () => r()));
      const octets = Buffer.from([0xc0, 0xff, 0x80, 0x20, 0xe2, 0x98, 0x8e]);
      const body = Buffer.from('été ☎ 電話 \u{1f4de}', 'utf8');
      const request = (n: number): Buffer =>
        Buffer.concat([
          Buffer.from(
            `MESSAGE sip:gw@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP ` +
              `127.0.0.1:5060;branch=z9hG4bKoct${n}\r\nMax-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=f1\r\nTo: ` +
              `<sip:gw@127.0.0.1>\r\nCall-ID: oct-${n}\r\nCSeq: 1 MESSAGE\r\nX-Octets: `,
          ),
          octets,
          Buffer.from(`\r\nContent-Length: ${body.length}\r\n\r\n`),
          body,
        ]);
      // Two pipelined requests, cut inside the first body's multi-byte characters.
      const both = Buffer.concat([request(1), request(2)]);
      const cut = request(1).length - 5;
      socket.write(both.subarray(0, cut));
      await new Promise((r) => setTimeout(r, 20));
      socket.write(both.subarray(cut));
      let got = Buffer.alloc(0);
      const responses: Buffer[] = [];
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${responses.length} responses`)), 3000);
        socket.on('data', (d: Buffer) => {
          got = Buffer.concat([got, d]);
          for (;;) {
            const end = got.indexOf('\r\n\r\n');
            if (end === -1) return;
            const cl = Number(/Content-Length: (\d+)/i.exec(got.subarray(0, end).toString('latin1'))![1]);
            if (got.length < end + 4 + cl) return;
            responses.push(got.subarray(0, end + 4 + cl));
            got = got.subarray(end + 4 + cl);
            if (responses.length === 2) {
              clearTimeout(timer);
              resolve();
              return;
            }
          }
        });
      });
      for (const res of responses) {
        assert.ok(
          res.includes(Buffer.concat([Buffer.from('\r\nX-Echo: '), octets, Buffer.from('\r\n')])),
          'header octets echoed unchanged',
        );
        assert.ok(res.includes(Buffer.from(`Content-Length: ${body.length}\r\n`)), 'Content-Length counts octets');
        assert.deepEqual(res.subarray(res.length - body.length), body);
      }
    } finally {
      socket.destroy();
      await ep.close();
    }
  },
);
