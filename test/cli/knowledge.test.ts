import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CALL_CAUSES as GATEWAY_CAUSES } from '../../src/gateway/call-cause.js';
import { explainCall } from '../../src/cli/knowledge/explain-call.js';
import { CALL_CAUSES, causeInfo, CHECKLIST, codeClass, SIP_CODES, TOPICS } from '../../src/cli/knowledge/sip-codes.js';
import type { CallRecord } from '../../src/client/types.js';

// The spec's SIP Response Code Mapping, as printed there: code, meaning, cause, solution.
const SPEC_ROWS: Array<[number, string, string | null, string | null]> = [
  [100, 'Trying', null, null],
  [180, 'Ringing', null, null],
  [183, 'Session Progress', null, null],
  [200, 'OK', null, null],
  [400, 'Bad Request', 'Malformed SIP message', 'Check SIP headers format'],
  [401, 'Unauthorized', 'Invalid credentials', 'Verify username/password from Get Credentials API'],
  [403, 'Forbidden', 'IP not whitelisted', 'Add your IP using Whitelist IP API'],
  [404, 'Not Found', 'Invalid destination number', 'Verify phone number format (E.164)'],
  [408, 'Request Timeout', 'Network timeout', 'Check network connectivity'],
  [480, 'Temporarily Unavailable', 'Destination busy/offline', 'Retry later'],
  [486, 'Busy Here', 'Destination is busy', 'User is on another call'],
  [487, 'Request Terminated', 'Call cancelled', 'Caller hung up before answer'],
  [488, 'Not Acceptable', 'Codec mismatch', 'Check supported codecs'],
  [500, 'Server Internal Error', 'Exotel server issue', 'Contact support'],
  [502, 'Bad Gateway', 'Upstream error', 'Check destination server'],
  [503, 'Service Unavailable', 'Server overloaded', 'Retry with backoff'],
  [504, 'Gateway Timeout', 'Destination not responding', 'Check destination server'],
  [600, 'Busy Everywhere', 'All destinations busy', 'All lines occupied'],
  [603, 'Decline', 'Call rejected', 'Destination rejected call'],
  [604, 'Does Not Exist', "Number doesn't exist", 'Verify destination number'],
  [606, 'Not Acceptable', 'Call requirements not met', 'Check call parameters'],
];

test("every SIP code the spec lists is in the knowledge table with the spec's words", () => {
  assert.deepEqual(
    [...SIP_CODES.keys()].sort((a, b) => a - b),
    SPEC_ROWS.map((r) => r[0]),
  );
  for (const [code, meaning, cause, solution] of SPEC_ROWS) {
    const info = SIP_CODES.get(code);
    assert.ok(info, `missing ${code}`);
    assert.equal(info.meaning, meaning);
    if (cause !== null) assert.equal(info.cause, cause, `${code} cause`);
    if (solution !== null) assert.equal(info.solution, solution, `${code} solution`);
    if (cause === null) assert.ok(info.description, `${code} has the successful-calls description`);
  }
});

test("401 and 403 point at their troubleshooting trees; each tree has the spec's checks", () => {
  assert.equal(SIP_CODES.get(401)?.topic, '401');
  assert.equal(SIP_CODES.get(403)?.topic, '403');
  assert.equal(TOPICS['401'].checks.length, 2);
  assert.equal(TOPICS['403'].checks.length, 2);
  assert.equal(TOPICS['no-inbound'].checks.length, 3);
  assert.equal(TOPICS['no-audio'].checks.length, 2);
  assert.ok(TOPICS['401'].checks[1]?.steps.includes('Realm: pstn.exotel.com'));
  assert.ok(TOPICS['no-inbound'].checks[2]?.steps.includes('Certificate chain complete'));
  assert.ok(TOPICS['no-audio'].checks[1]?.steps.includes('G.711 A-law (PCMA)'));
});

test('codes the spec does not list get their class; non-codes get null', () => {
  assert.match(codeClass(302)?.category ?? '', /redirection/);
  assert.match(codeClass(415)?.category ?? '', /client error/);
  assert.match(codeClass(599)?.category ?? '', /server error/);
  assert.match(codeClass(699)?.category ?? '', /global/);
  assert.equal(codeClass(99), null);
  assert.equal(codeClass(700), null);
});

test('every cause the gateway writes to the call log is explained, and nothing else is', () => {
  assert.deepEqual(Object.keys(CALL_CAUSES).sort(), [...GATEWAY_CAUSES].sort());
  for (const cause of GATEWAY_CAUSES) assert.ok(causeInfo(cause), `cause ${cause} has no explanation`);
  assert.equal(causeInfo('rate_limited'), undefined);
  assert.equal(causeInfo('toString'), undefined);
});

// The gateway challenges an INVITE with 407 (Proxy-Authenticate) and gives up after a timeout with 504.
test('a cause names the code the gateway answers with it', () => {
  assert.equal(CALL_CAUSES.auth_required.code, 407);
  assert.equal(CALL_CAUSES.auth_failed.code, 407);
  assert.equal(CALL_CAUSES.timeout.code, 504);
  assert.equal(CALL_CAUSES.rejected.code, null);
});

const call = (over: Partial<CallRecord>): CallRecord => ({
  id: '1',
  call_id: 'abc@pbx',
  trunk_sid: 'TR1',
  direction: 'termination',
  caller: '+919800000001',
  callee: '+919800000009',
  source_ip: '127.0.0.3',
  source_port: 5060,
  transport: 'udp',
  final_code: 403,
  cause: 'ip_not_whitelisted',
  started_at: '2026-01-01T00:00:00Z',
  ...over,
});

test('a logged call is explained by its cause, with its own trunk and source IP in the fix', () => {
  const e = explainCall(call({}));
  assert.equal(e.meaning, '403 Forbidden');
  assert.equal(e.topic, '403');
  assert.match(e.fix, /vsip ips add TR1 127\.0\.0\.3/);
  const mapped = explainCall(call({ cause: 'caller_id_not_mapped' }));
  assert.match(mapped.fix, /vsip numbers add TR1 \+919800000001/);
  const generic = explainCall(call({ cause: 'rejected', final_code: 606 }));
  assert.equal(generic.fix, 'Check call parameters');
  const unknown = explainCall(call({ cause: null, final_code: 415 }));
  assert.match(unknown.meaning, /415 client error/);
});

test("every checklist row has the spec's check, how-to-verify and a fix", () => {
  for (const [id, row] of Object.entries(CHECKLIST)) {
    assert.ok(row.check && row.verify && row.fix, id);
  }
  assert.equal(CHECKLIST.gateway.verify, 'Port 5060/5061 open to Exotel');
  assert.equal(CHECKLIST.tls.verify, 'If using TLS, certificate is trusted');
});
