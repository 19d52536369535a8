import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { textToOctets } from '../../src/sip/message/text-to-octets.js';
import { randomToken } from '../../src/sip/transaction/branch.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { ApiClient } from '../support/api-client.js';
import { startBaresip } from './baresip-ua.js';
import { startHarness, waitFor, type Harness } from '../support/gateway-harness.js';

/** REGISTER with digest on the access side: a raw UA built on the SIP core, and baresip. */
let h: Harness;
let api: ApiClient;
let trunk: { sid: string };
let password: string;

before(async () => {
  h = await startHarness({ tuning: { maxAuthFailures: 3 }, flags: { sipDigestAlgorithms: 'MD5,SHA-256' } });
  api = await ApiClient.create(h);
  trunk = { sid: await api.createTrunk('reg', { auth_type: 'credentials', registration_enabled: true }) };
  await api.mapNumber(trunk.sid, '+919800000077');
  password = await api.password(trunk.sid); // Get Credentials
  await h.gateway.snapshot.settled();
});
after(async () => {
  await api.close();
  await h.close();
});

function header(res: SipResponse, name: string): string[] {
  return res.headers.filter((x) => x.name === name).map((x) => x.value);
}

async function ua(host: string): Promise<{ ep: SipEndpoint; port: number }> {
  const ep = await createSipEndpoint({ listen: [{ protocol: 'udp', host, port: 0 }] });
  return { ep, port: ep.addresses()[0]?.port ?? 0 };
}

function send(ep: SipEndpoint, req: SipRequest, port: number): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    ep.sendRequest(
      req,
      { protocol: 'udp', address: '127.0.0.1', port },
      {
        provisional: () => {},
        final: (res: SipResponse) => resolve(res),
        timeout: () => reject(new Error('timeout')),
        transportError: (err) => reject(err),
      },
    );
  });
}

function register(
  user: string,
  localPort: number,
  host: string,
  seq: number,
  callId: string,
  extra: Array<{ name: string; value: string }> = [],
  method = 'REGISTER',
): SipRequest {
  const domain = `${h.accountSid}.pstn.exotel.com`;
  return {
    kind: 'request',
    method,
    uri: `sip:${domain}`,
    version: 'SIP/2.0',
    headers: [
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `<sip:${user}@${domain}>;tag=${randomToken()}` },
      { name: 'to', value: `<sip:${user}@${domain}>` },
      { name: 'call-id', value: callId },
      { name: 'cseq', value: `${seq} ${method}` },
      { name: 'contact', value: `<sip:${user}@${host}:${localPort}>` },
      { name: 'expires', value: '120' },
      ...extra,
    ],
    body: Buffer.alloc(0),
  };
}

async function authedRegister(
  ep: SipEndpoint,
  port: number,
  host: string,
  user: string,
  pass: string,
  extra: Array<{ name: string; value: string }> = [],
): Promise<SipResponse> {
  const callId = randomToken();
  const first = await send(ep, register(user, port, host, 1, callId), h.access('udp').port);
  assert.equal(first.status, 401);
  const challenges = header(first, 'www-authenticate');
  assert.equal(challenges.length, 2, 'SHA-256 and MD5 challenges');
  assert.match(challenges[0] ?? '', /algorithm=MD5/);
  assert.match(challenges[1] ?? '', /algorithm=SHA-256/);
  assert.match(challenges[0] ?? '', /realm="pstn\.exotel\.com"/);
  const auth = answerChallenge({
    challenge: challenges[1] as string,
    method: 'REGISTER',
    uri: `sip:${h.accountSid}.pstn.exotel.com`,
    username: user,
    password: pass,
  });
  return send(
    ep,
    register(user, port, host, 2, callId, [{ name: 'authorization', value: auth }, ...extra]),
    h.access('udp').port,
  );
}

test('registrar: digest REGISTER succeeds, binding stored with expiry and listed in the 200', async () => {
  const { ep, port } = await ua('127.0.0.2');
  try {
    const ok = await authedRegister(ep, port, '127.0.0.2', trunk.sid, password);
    assert.equal(ok.status, 200);
    const contacts = header(ok, 'contact');
    assert.equal(contacts.length, 1);
    assert.match(contacts[0] ?? '', new RegExp(`<sip:${trunk.sid}@127\\.0\\.0\\.2:${port}>;expires=(119|120)`));
    const regs = await h.store.listRegistrations(trunk.sid);
    assert.equal(regs.length, 1);
    assert.ok(Date.parse(regs[0]?.expiresAt ?? '') > Date.now() + 100_000);
  } finally {
    await ep.close();
  }
});

test('registrar: a UTF-8 User-Agent is stored as text (the header holds octets)', async () => {
  const { ep, port } = await ua('127.0.0.2');
  try {
    const ok = await authedRegister(ep, port, '127.0.0.2', trunk.sid, password, [
      { name: 'user-agent', value: textToOctets('Téléphone ☎ 1.0') },
    ]);
    assert.equal(ok.status, 200);
    const reg = (await h.store.listRegistrations(trunk.sid)).find((r) => r.contact.includes(`:${port}`));
    assert.equal(reg?.userAgent, 'Téléphone ☎ 1.0');
  } finally {
    await ep.close();
  }
});

test('registrar: Expires 0 removes the binding, Contact * removes all', async () => {
  const { ep, port } = await ua('127.0.0.2');
  try {
    const callId = randomToken();
    const first = await send(ep, register(trunk.sid, port, '127.0.0.2', 1, callId), h.access('udp').port);
    const auth = answerChallenge({
      challenge: header(first, 'www-authenticate')[0] as string,
      method: 'REGISTER',
      uri: `sip:${h.accountSid}.pstn.exotel.com`,
      username: trunk.sid,
      password,
    });
    const req = register(trunk.sid, port, '127.0.0.2', 2, callId, [{ name: 'authorization', value: auth }]);
    for (const x of req.headers) if (x.name === 'expires') x.value = '0';
    const res = await send(ep, req, h.access('udp').port);
    assert.equal(res.status, 200);
    assert.equal(res.status, 200);
    assert.ok(!header(res, 'contact').some((c) => c.includes(`:${port}>`)), 'the removed contact is not listed');
    assert.ok(!(await h.store.listRegistrations(trunk.sid)).some((r) => r.contact.includes(`:${port}`)));
    const first2 = await send(ep, register(trunk.sid, port, '127.0.0.2', 3, callId), h.access('udp').port);
    const auth2 = answerChallenge({
      challenge: header(first2, 'www-authenticate')[0] as string,
      method: 'REGISTER',
      uri: `sip:${h.accountSid}.pstn.exotel.com`,
      username: trunk.sid,
      password,
    });
    const all = register(trunk.sid, port, '127.0.0.2', 4, callId, [{ name: 'authorization', value: auth2 }]);
    for (const x of all.headers) if (x.name === 'expires') x.value = '0';
    for (const x of all.headers) if (x.name === 'contact') x.value = '*';
    const res2 = await send(ep, all, h.access('udp').port);
    assert.equal(res2.status, 200);
    assert.equal(header(res2, 'contact').length, 0);
    assert.equal((await h.store.listRegistrations(trunk.sid)).length, 0);
  } finally {
    await ep.close();
  }
});

test(
  'registrar: wrong password → 401 again, then 403 after repeated failures; unknown trunk looks the ' + 'same',
  async () => {
    const { ep, port } = await ua('127.0.0.3');
    try {
      const bad = await authedRegister(ep, port, '127.0.0.3', trunk.sid, 'wrong-password');
      assert.equal(bad.status, 401);
      const unknown = await authedRegister(ep, port, '127.0.0.3', 'trmum1000000000000000000000000', 'whatever');
      assert.equal(unknown.status, 401, 'unknown trunk answers like a wrong password');
      const callId = randomToken();
      const first = await send(ep, register(trunk.sid, port, '127.0.0.3', 1, callId), h.access('udp').port);
      const auth = answerChallenge({
        challenge: header(first, 'www-authenticate')[1] as string,
        method: 'REGISTER',
        uri: 'sip:x',
        username: trunk.sid,
        password: 'nope',
      });
      const third = await send(
        ep,
        register(trunk.sid, port, '127.0.0.3', 2, callId, [{ name: 'authorization', value: auth }]),
        h.access('udp').port,
      );
      assert.equal(third.status, 403, 'third failure from one source within the window → 403');
      const after = await send(ep, register(trunk.sid, port, '127.0.0.3', 3, callId), h.access('udp').port);
      assert.equal(after.status, 403, 'the source stays blocked');
      const metrics = await h.metrics.metrics();
      for (const result of ['ok', 'challenged', 'failed', 'blocked'])
        assert.match(metrics, new RegExp(`vsip_sip_registrations_total\\{result="${result}"\\} [1-9]`));
    } finally {
      await ep.close();
    }
  },
);

test('registrar: registration disabled → 403 once the digest is right; without it, like an unknown trunk', async () => {
  const off = await api.createTrunk('regoff', { auth_type: 'credentials', registration_enabled: false });
  const offPassword = await api.password(off);
  await h.gateway.snapshot.settled();
  const { ep, port } = await ua('127.0.0.4');
  try {
    const refused = await authedRegister(ep, port, '127.0.0.4', off, offPassword);
    assert.equal(refused.status, 403);
    assert.match(refused.reason, /registration is not enabled/);
    assert.equal((await h.store.listRegistrations(off)).length, 0, 'nothing bound');
    const callId = randomToken();
    const noAuth = await send(ep, register(off, port, '127.0.0.4', 1, callId), h.access('udp').port);
    const unknown = await send(
      ep,
      register('trmum1000000000000000000000000', port, '127.0.0.4', 2, callId),
      h.access('udp').port,
    );
    assert.equal(noAuth.status, 401);
    assert.equal(unknown.status, 401, 'the same answer whether or not the trunk exists');
    assert.match(await h.metrics.metrics(), /vsip_sip_registrations_total\{result="disabled"\} [1-9]/);
  } finally {
    await ep.close();
  }
});

test('registrar: 423 + Min-Expires for a too brief expiry, 403 past the contact cap; nothing stored', async () => {
  const { ep, port } = await ua('127.0.0.5');
  try {
    const brief = await authedRegister(ep, port, '127.0.0.5', trunk.sid, password, [
      { name: 'contact', value: `<sip:x@127.0.0.5:${port}>;expires=2` },
    ]);
    assert.equal(brief.status, 423);
    assert.deepEqual(header(brief, 'min-expires'), ['60']);
    const many = Array.from({ length: 40 }, (_, i) => `<sip:c${i}@127.0.0.5:${port}>`).join(', ');
    const flood = await authedRegister(ep, port, '127.0.0.5', trunk.sid, password, [{ name: 'contact', value: many }]);
    assert.equal(flood.status, 403);
    assert.match(flood.reason, /at most 10/);
    const regs = await h.store.listRegistrations(trunk.sid);
    assert.ok(!regs.some((r) => r.sourceIp === '127.0.0.5'), 'a refused REGISTER binds nothing');
    const absurd = await authedRegister(ep, port, '127.0.0.5', trunk.sid, password, [
      { name: 'contact', value: `<sip:y@127.0.0.5:${port}>;expires=999999999999999999` },
    ]);
    assert.equal(absurd.status, 200);
    assert.match(header(absurd, 'contact').find((c) => c.includes('sip:y@')) ?? '', /;expires=(3599|3600)$/);
  } finally {
    await ep.close();
  }
});

test('registrar: a flood of new contacts stops at the per-trunk cap (403), refreshes still pass', async () => {
  const flood = await api.createTrunk('regflood', { auth_type: 'credentials', registration_enabled: true });
  const floodPassword = await api.password(flood);
  await h.gateway.snapshot.settled();
  const { ep, port } = await ua('127.0.0.7');
  try {
    const codes: number[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await authedRegister(ep, port, '127.0.0.7', flood, floodPassword, [
        { name: 'contact', value: `<sip:f${i}@198.51.100.${i}:5060>` },
      ]);
      codes.push(res.status);
    }
    // Each request carries the default contact too: it and f0..f8 fill the 10 places.
    assert.deepEqual(codes.slice(0, 9), Array(9).fill(200));
    assert.deepEqual(codes.slice(9), Array(16).fill(403));
    assert.equal((await h.store.listRegistrations(flood)).length, 10, 'bounded');
    const refresh = await authedRegister(ep, port, '127.0.0.7', flood, floodPassword, [
      { name: 'contact', value: '<sip:f3@198.51.100.3:5060>' },
    ]);
    assert.equal(refresh.status, 200, 'a binding the trunk holds can still be refreshed');
  } finally {
    await ep.close();
  }
});

test('registrar: the binding keeps the received address, transport, flow and node', async () => {
  const { ep, port } = await ua('127.0.0.6');
  try {
    // The Contact names a private address (a PBX behind NAT) or a third party: stored as the PBX
    // said it, but the flow it came over is what calls use.
    const ok = await authedRegister(ep, port, '127.0.0.6', trunk.sid, password, [
      { name: 'contact', value: '<sip:pbx@192.168.1.20:5060>' },
    ]);
    assert.equal(ok.status, 200);
    const reg = (await h.store.listRegistrations(trunk.sid)).find((r) => r.contact === 'sip:pbx@192.168.1.20:5060');
    assert.equal(reg?.sourceIp, '127.0.0.6');
    assert.equal(reg?.sourcePort, port);
    assert.equal(reg?.transport, 'udp');
    assert.equal(reg?.connectionId, null);
    assert.match(reg?.nodeId ?? '', /^[0-9a-f-]{36}$/);
    assert.ok(reg?.registeredAt);
  } finally {
    await ep.close();
  }
});

test('termination with credentials: INVITE gets 407, the digest answer is proxied', async () => {
  const { ep, port } = await ua('127.0.0.2');
  try {
    const domain = `${h.accountSid}.pstn.exotel.com`;
    const callId = randomToken();
    const invite = (seq: number, extra: Array<{ name: string; value: string }>): SipRequest => ({
      kind: 'request',
      method: 'INVITE',
      uri: `sip:+14155550100@${domain}`,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:+919800000077@${domain}>;tag=abc${seq}` },
        { name: 'to', value: `<sip:+14155550100@${domain}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${seq} INVITE` },
        { name: 'contact', value: `<sip:pbx@127.0.0.2:${port}>` },
        { name: 'content-type', value: 'application/sdp' },
        ...extra,
      ],
      body: Buffer.from(
        'v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
      ),
    });
    const first = await send(ep, invite(1, []), h.access('udp').port);
    assert.equal(first.status, 407);
    const ch = header(first, 'proxy-authenticate');
    assert.equal(ch.length, 2);
    const auth = answerChallenge({
      challenge: ch[0] as string,
      method: 'INVITE',
      uri: `sip:+14155550100@${domain}`,
      username: trunk.sid,
      password,
    });
    const second = await send(ep, invite(2, [{ name: 'proxy-authorization', value: auth }]), h.access('udp').port);
    assert.equal(second.status, 200);
    const fwd = h.gateway.pstnSim?.received.at(-1);
    assert.equal(
      fwd?.headers.some((x) => x.name === 'proxy-authorization'),
      false,
      'credentials are not forwarded',
    );
  } finally {
    await ep.close();
  }
});

test('registrar: baresip registers with digest (default MD5 challenge)', async (t) => {
  const h = await startHarness();
  const api = await ApiClient.create(h);
  t.after(async () => {
    await api.close();
    await h.close();
  });
  const trunk = { sid: await api.createTrunk('bs', { auth_type: 'credentials', registration_enabled: true }) };
  const password = await api.password(trunk.sid);
  await h.gateway.snapshot.settled();
  const gw = h.access('udp').port;
  const ua = await startBaresip(
    () =>
      `<sip:${trunk.sid}@127.0.0.1:${gw};transport=udp>;auth_pass=${password};regint=60;outbound="sip:127.0.0.1:${gw}"`,
    ['-t', '20'],
  );
  t.after(async () => {
    ua.child.kill('SIGKILL');
    await ua.exited;
  });
  await waitFor(() => /200 OK|registered successfully/i.test(ua.output()), 15000, 'baresip registration').catch(
    (err: Error) => {
      throw new Error(`${err.message}; baresip output:\n${ua.output()}`);
    },
  );
  const regs = await waitFor(async () => {
    const r = await h.store.listRegistrations(trunk.sid);
    return r.some((x) => x.sourceIp === '127.0.0.2') ? r : undefined;
  });
  assert.ok(regs.some((x) => x.contact.includes(trunk.sid)));
});
