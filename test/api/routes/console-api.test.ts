import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { apiFixture, basic, type ApiFixture } from '../api-fixture.js';
import { freePort } from '../../support/ports.js';

/**
 * What the web console needs and the API now offers to every client: trunk search, token
 * rotation by the account, each failed call explained, and the doctor checklist run server-side.
 */
describe('API for the console', () => {
  let f: ApiFixture;
  before(async () => {
    // Gateway ports nobody listens on: the doctor's network checks fail fast and predictably.
    f = await apiFixture('sqlite', { sipPort: String(await freePort()), sipsPort: String(await freePort()) });
  });
  after(async () => f?.close());

  test('GET /trunks?search= matches name or SID, case-insensitively, and pages the matches', async () => {
    const a = await f.createTrunk('Sales_Mumbai');
    await f.createTrunk('support_delhi');
    const c = await f.createTrunk('sales_pune');
    const r = await f.api('GET', '/trunks?search=SALES&page_size=1');
    assert.equal(r.status, 200);
    assert.equal(r.body.response.metadata.total, 2);
    assert.deepEqual(
      r.body.response.data.map((t: { trunk_sid: string }) => t.trunk_sid),
      [a],
    );
    assert.match(r.body.response.metadata.next_page_uri, /search=SALES/);
    const bySid = await f.api('GET', `/trunks?search=${c.slice(-8)}`);
    assert.deepEqual(
      bySid.body.response.data.map((t: { trunk_sid: string }) => t.trunk_sid),
      [c],
    );
    assert.equal((await f.api('GET', '/trunks?search=')).status, 400);
  });

  test('a failed call in the call log carries its explanation and fix; an answered one null', async () => {
    const trunk = await f.createTrunk('explained');
    const base = {
      accountSid: f.account.accountSid,
      trunkSid: trunk,
      direction: 'termination' as const,
      caller: '+919876543210',
      callee: '+15005550199',
      sourceIp: '198.51.100.7',
      sourcePort: 5060,
      transport: 'udp',
      destination: null,
      answeredAt: null,
      endedAt: null,
      durationMs: null,
    };
    await f.store.insertCalls([
      { ...base, callId: 'ok-1', finalCode: 200, cause: 'completed', startedAt: '2026-01-01T00:00:00Z' },
      { ...base, callId: 'ip-1', finalCode: 403, cause: 'ip_not_whitelisted', startedAt: '2026-01-01T00:01:00Z' },
    ]);
    const r = await f.api('GET', `/trunks/${trunk}/calls`);
    const byId = new Map(r.body.response.data.map((c: { call_id: string }) => [c.call_id, c]));
    const failed = byId.get('ip-1') as { explanation: { meaning: string; explanation: string; fix: string } };
    assert.match(failed.explanation.meaning, /^403 /);
    assert.match(failed.explanation.explanation, /whitelist/i);
    // The fix is filled in for this trunk and the call's own source IP, ready to paste.
    assert.ok(failed.explanation.fix.includes(trunk), failed.explanation.fix);
    assert.ok(failed.explanation.fix.includes('198.51.100.7'), failed.explanation.fix);
    assert.equal((byId.get('ok-1') as { explanation: unknown }).explanation, null);
  });

  test('the call log filters by cause and by time, server-side', async () => {
    const trunk = await f.createTrunk('filtered');
    const call = (callId: string, finalCode: number, cause: string, startedAt: string) => ({
      callId,
      accountSid: f.account.accountSid,
      trunkSid: trunk,
      direction: 'termination' as const,
      caller: '+919876543210',
      callee: '+15005550199',
      sourceIp: '127.0.0.1',
      sourcePort: 5060,
      transport: 'udp',
      destination: null,
      answeredAt: null,
      endedAt: null,
      durationMs: null,
      finalCode,
      cause,
      startedAt,
    });
    await f.store.insertCalls([
      call('a', 486, 'busy', '2026-01-01T10:00:00Z'),
      call('b', 403, 'ip_not_whitelisted', '2026-01-01T11:00:00Z'),
      call('c', 486, 'busy', '2026-01-01T12:00:00Z'),
    ]);
    const ids = async (q: string) =>
      (await f.api('GET', `/trunks/${trunk}/calls?${q}`)).body.response.data.map((c: { call_id: string }) => c.call_id);
    assert.deepEqual(await ids('cause=busy'), ['c', 'a']);
    assert.deepEqual(await ids('from=2026-01-01T11:00:00Z'), ['c', 'b']);
    assert.deepEqual(await ids('from=2026-01-01T10:30:00%2B00:00&to=2026-01-01T12:00:00.000Z'), ['b']);
    assert.deepEqual(await ids('cause=busy&to=2026-01-01T11:00:00Z&result=failed'), ['a']);
    const bad = await f.api('GET', `/trunks/${trunk}/calls?from=yesterday`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.response.error_data.description, /from/);
  });

  test('POST /trunks/{sid}/doctor runs the checklist live and explains what fails', async () => {
    const trunk = await f.createTrunk('doctored');
    await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+919876543210' });
    await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '203.0.113.0', mask: 24 });
    const r = await f.api('POST', `/trunks/${trunk}/doctor`, { pbx_ip: '198.51.100.7' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const report = r.body.response.data;
    assert.equal(report.passed, false);
    const status = Object.fromEntries(report.checks.map((c: { id: string; status: string }) => [c.id, c.status]));
    assert.deepEqual(status, {
      trunk: 'pass',
      number: 'pass',
      ip: 'fail',
      credentials: 'pass',
      registration: 'skip',
      gateway: 'fail',
    });
    const ip = report.checks.find((c: { id: string }) => c.id === 'ip');
    assert.match(ip.detail, /198\.51\.100\.7 is not inside any whitelisted range \(203\.0\.113\.0\/24\)/);
    assert.ok(ip.fix.includes(trunk));
    // The SIP password is never part of the report.
    const creds = await f.api('GET', `/trunks/${trunk}/credentials`);
    assert.ok(!JSON.stringify(report).includes(creds.body.response.data.password));
  });

  test('one doctor run per account at a time: a second concurrent run gets 429', async () => {
    const trunk = await f.createTrunk('doctor_twice');
    const [a, b] = await Promise.all([
      f.api('POST', `/trunks/${trunk}/doctor`, {}),
      f.api('POST', `/trunks/${trunk}/doctor`, {}),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 429]);
    assert.match((a.status === 429 ? a : b).body.response.error_data.description, /in progress/);
    assert.equal((await f.api('POST', `/trunks/${trunk}/doctor`, {})).status, 200, 'free again once it ended');
  });

  test('the doctor refuses a bad body and an unknown trunk with the API error', async () => {
    const trunk = await f.createTrunk('doctor_bad');
    const bad = await f.api('POST', `/trunks/${trunk}/doctor`, { direction: 'sideways' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.response.error_data.description, /direction/);
    const missing = await f.api('POST', '/trunks/TR_nope/doctor', {});
    assert.equal(missing.status, 404);
  });
  // Last: the fixture's helpers keep the old token.
  test('POST /api-token/rotate returns a new token once; the old one stops working at once', async () => {
    const old = f.auth;
    const r = await f.api('POST', '/api-token/rotate');
    assert.equal(r.status, 200);
    const { account_sid, api_key, api_token } = r.body.response.data;
    assert.equal(account_sid, f.account.accountSid);
    assert.equal(api_key, f.account.apiKey);
    assert.notEqual(api_token, f.account.apiToken);
    const path = `/v2/accounts/${account_sid}/trunks`;
    const before = await f.app.inject({ url: path, headers: { authorization: old } });
    assert.equal(before.statusCode, 401);
    const now = await f.app.inject({ url: path, headers: { authorization: basic(api_key, api_token) } });
    assert.equal(now.statusCode, 200);
    assert.ok(!f.logLines.some((l) => l.includes(api_token)), 'the token is never logged');
  });
});
