import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tempDir } from '../support/serve-process.js';
import { ipInRange } from '../../src/cli/doctor/ip-range.js';
import { parseDestination } from '../../src/cli/doctor/parse-destination.js';
import { registrationQuery } from '../../src/cli/doctor/registration-query.js';
import { sipOptionsPing } from '../../src/cli/doctor/sip-options-ping.js';
import { tcpConnect } from '../../src/cli/doctor/tcp-connect.js';
import { tlsProbe } from '../../src/cli/doctor/tls-probe.js';
import { displayWidth, renderTable } from '../../src/cli/output/render-table.js';
import { makeCa, makeIntermediate, makeLeaf, makeSelfSigned } from '../support/make-certs.js';
import { freePort } from '../support/ports.js';
import { startSipResponder } from '../support/sip-responder.js';

const dir = tempDir('vsip-certs-');
const ca = makeCa(dir);
const good = makeLeaf(dir, 'good', ca, 'IP:127.0.0.1', 30);
const expired = makeLeaf(dir, 'expired', ca, 'IP:127.0.0.1', -1);
const wrongName = makeLeaf(dir, 'wrong', ca, 'DNS:wrong.example', 30);
const intermediate = makeIntermediate(dir, ca);
const viaIntermediate = makeLeaf(dir, 'viaint', intermediate, 'IP:127.0.0.1', 30);
const selfSigned = makeSelfSigned(dir, 'self', 'IP:127.0.0.1');
after(() => rmSync(dir, { recursive: true, force: true }));

test("ipInRange: the spec's ip + mask", () => {
  assert.equal(ipInRange('203.0.113.10', '203.0.113.10', 32), true);
  assert.equal(ipInRange('203.0.113.11', '203.0.113.10', 32), false);
  assert.equal(ipInRange('203.0.113.77', '203.0.113.0', 24), true);
  assert.equal(ipInRange('203.0.114.1', '203.0.113.0', 24), false);
  assert.equal(ipInRange('10.1.2.3', '0.0.0.0', 0), true);
  assert.equal(ipInRange('not-an-ip', '10.0.0.0', 8), false);
});

test('parseDestination: <ip|host>:<port>;transport=<tls|tcp>', () => {
  assert.deepEqual(parseDestination('203.0.113.10:5061;transport=tls'), {
    host: '203.0.113.10',
    port: 5061,
    transport: 'tls',
  });
  assert.deepEqual(parseDestination('pbx.example.com:5060;transport=TCP'), {
    host: 'pbx.example.com',
    port: 5060,
    transport: 'tcp',
  });
  assert.deepEqual(parseDestination('pbx.example.com;transport=tls'), {
    host: 'pbx.example.com',
    port: 5061,
    transport: 'tls',
  });
});

test('tables align around wide characters (✅ / ❌ take two columns)', () => {
  assert.equal(displayWidth('✅'), 2);
  const lines = renderTable(
    ['A', 'B'],
    [
      ['✅', 'x'],
      ['no', 'y'],
    ],
  ).split('\n');
  const column = (line: string | undefined, ch: string): number =>
    displayWidth((line ?? '').slice(0, (line ?? '').indexOf(ch)));
  assert.equal(column(lines[2], 'x'), column(lines[3], 'y'));
});

test('tcpConnect: open and refused ports', async () => {
  const open = await startSipResponder();
  try {
    assert.equal((await tcpConnect('127.0.0.1', open.port, 2000)).ok, true);
  } finally {
    await open.close();
  }
  const refused = await tcpConnect('127.0.0.1', await freePort(), 2000);
  assert.equal(refused.ok, false);
  assert.match(refused.error ?? '', /connection refused/);
});

test('tlsProbe: a valid certificate trusted through --ca passes every check', async () => {
  const server = await startSipResponder({ tls: good });
  try {
    const r = await tlsProbe('127.0.0.1', server.port, { ca: [ca.cert], timeoutMs: 3000 });
    assert.equal(r.handshake, true);
    assert.deepEqual(r.problems, []);
    assert.equal(r.cert?.chain_trusted, true);
    assert.equal(r.cert?.name_matches, true);
  } finally {
    await server.close();
  }
});

test('tlsProbe: expired, wrong name, untrusted and incomplete chains are each named', async () => {
  const cases: Array<[typeof good, string[] | undefined, RegExp]> = [
    [expired, [ca.cert], /Certificate expired on/],
    [wrongName, [ca.cert], /does not match 127\.0\.0\.1/],
    [selfSigned, undefined, /not trusted: self-signed/],
    [good, undefined, /issuer "CN=vsip test CA".*pass its CA with --ca/],
    [viaIntermediate, [ca.cert], /chain incomplete.*vsip test intermediate/],
  ];
  for (const [cert, trust, expected] of cases) {
    const server = await startSipResponder({ tls: cert });
    try {
      const r = await tlsProbe('127.0.0.1', server.port, { ...(trust ? { ca: trust } : {}), timeoutMs: 3000 });
      assert.equal(r.handshake, true);
      assert.equal(r.problems.length, 1, `${expected}: ${r.problems.join(' | ')}`);
      assert.match(r.problems[0] ?? '', expected);
    } finally {
      await server.close();
    }
  }
});

test('tlsProbe: a chain sent whole (leaf + intermediate) is complete', async () => {
  const server = await startSipResponder({
    tls: { cert: viaIntermediate.cert + intermediate.cert, key: viaIntermediate.key },
  });
  try {
    const r = await tlsProbe('127.0.0.1', server.port, { ca: [ca.cert], timeoutMs: 3000 });
    assert.deepEqual(r.problems, []);
  } finally {
    await server.close();
  }
});

test('sipOptionsPing: answered over TCP and TLS; silence times out', async () => {
  const tcp = await startSipResponder({ status: 200 });
  const tls = await startSipResponder({ tls: good, status: 404 });
  const silent = await startSipResponder({ silent: true });
  try {
    const a = await sipOptionsPing({ host: '127.0.0.1', port: tcp.port, transport: 'tcp', timeoutMs: 2000 });
    assert.deepEqual([a.answered, a.status], [true, 200]);
    assert.equal(tcp.received, 1);
    const b = await sipOptionsPing({ host: '127.0.0.1', port: tls.port, transport: 'tls', timeoutMs: 2000 });
    assert.deepEqual([b.answered, b.status], [true, 404]);
    const c = await sipOptionsPing({ host: '127.0.0.1', port: silent.port, transport: 'tcp', timeoutMs: 300 });
    assert.equal(c.answered, false);
    assert.match(c.error ?? '', /no answer to OPTIONS/);
    assert.equal(silent.received, 1);
  } finally {
    await Promise.all([tcp.close(), tls.close(), silent.close()]);
  }
});

test('sipOptionsPing and registrationQuery give a UTF-8 reason phrase as text, not as raw octets', async () => {
  const phrase = 'Temporär nicht verfügbar — 稍后再试';
  const server = await startSipResponder({ status: 480, reason: Buffer.from(phrase, 'utf8').toString('latin1') });
  try {
    const target = { host: '127.0.0.1', port: server.port, transport: 'tcp' as const, timeoutMs: 2000 };
    const ping = await sipOptionsPing(target);
    assert.deepEqual([ping.status, ping.reason], [480, phrase]);
    const q = await registrationQuery(target, { domain: 'gw.example', username: 'trunk1', password: 'pw' });
    assert.deepEqual([q.status, q.reason], [480, phrase]);
  } finally {
    await server.close();
  }
});
