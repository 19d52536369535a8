/**
 * What the spec teaches about failed calls, as data: its SIP response code tables, its
 * troubleshooting trees, its "Common Issues Quick Reference", and the fixes of its first-call
 * checklists. `vsip explain` and `vsip doctor` both read this one module, so the words a user
 * sees for a 403 are the same wherever they see them. The call-log causes come from the
 * gateway's `CAUSE_TABLE`, the one table docs/gateway.md's cause table is generated from too.
 *
 * Source: vsip-trunk-api.md "SIP Response Codes & Troubleshooting" and "First Successful Call
 * Validation". The wording of meaning / cause / solution is the spec's.
 */
import type { CallCause } from '../../gateway/call-cause.js';
import { CAUSE_TABLE } from '../../gateway/cause-table.js';

export type CodeCategory = 'provisional/success' | 'client error' | 'server error' | 'global error';

export interface SipCodeInfo {
  code: number;
  meaning: string;
  category: CodeCategory;
  /** Successful-calls table: its "Description" column. */
  description?: string;
  cause?: string;
  solution?: string;
  /** Troubleshooting topic with step-by-step checks, when the spec has one. */
  topic?: TopicKey;
}

const row = (
  code: number,
  meaning: string,
  category: CodeCategory,
  cause: string,
  solution: string,
  topic?: TopicKey,
): SipCodeInfo => ({ code, meaning, category, cause, solution, ...(topic ? { topic } : {}) });

/** Every code the spec lists, 100–606. */
export const SIP_CODES: ReadonlyMap<number, SipCodeInfo> = new Map(
  (
    [
      { code: 100, meaning: 'Trying', category: 'provisional/success', description: 'Call is being routed' },
      { code: 180, meaning: 'Ringing', category: 'provisional/success', description: 'Destination phone is ringing' },
      {
        code: 183,
        meaning: 'Session Progress',
        category: 'provisional/success',
        description: 'Early media (ringback tone)',
      },
      { code: 200, meaning: 'OK', category: 'provisional/success', description: 'Call connected successfully' },
      row(400, 'Bad Request', 'client error', 'Malformed SIP message', 'Check SIP headers format'),
      row(
        401,
        'Unauthorized',
        'client error',
        'Invalid credentials',
        'Verify username/password from Get Credentials API',
        '401',
      ),
      row(403, 'Forbidden', 'client error', 'IP not whitelisted', 'Add your IP using Whitelist IP API', '403'),
      row(404, 'Not Found', 'client error', 'Invalid destination number', 'Verify phone number format (E.164)'),
      row(408, 'Request Timeout', 'client error', 'Network timeout', 'Check network connectivity'),
      row(480, 'Temporarily Unavailable', 'client error', 'Destination busy/offline', 'Retry later'),
      row(486, 'Busy Here', 'client error', 'Destination is busy', 'User is on another call'),
      row(487, 'Request Terminated', 'client error', 'Call cancelled', 'Caller hung up before answer'),
      row(488, 'Not Acceptable', 'client error', 'Codec mismatch', 'Check supported codecs', 'no-audio'),
      row(500, 'Server Internal Error', 'server error', 'Exotel server issue', 'Contact support'),
      row(502, 'Bad Gateway', 'server error', 'Upstream error', 'Check destination server'),
      row(503, 'Service Unavailable', 'server error', 'Server overloaded', 'Retry with backoff'),
      row(504, 'Gateway Timeout', 'server error', 'Destination not responding', 'Check destination server'),
      row(600, 'Busy Everywhere', 'global error', 'All destinations busy', 'All lines occupied'),
      row(603, 'Decline', 'global error', 'Call rejected', 'Destination rejected call'),
      row(604, 'Does Not Exist', 'global error', "Number doesn't exist", 'Verify destination number'),
      row(606, 'Not Acceptable', 'global error', 'Call requirements not met', 'Check call parameters'),
    ] as SipCodeInfo[]
  ).map((info) => [info.code, info]),
);

/** For a code the spec does not list: what its class means (RFC 3261 §21). */
export function codeClass(code: number): { category: string; meaning: string; solution: string } | null {
  if (!Number.isInteger(code) || code < 100 || code > 699) return null;
  switch (Math.floor(code / 100)) {
    case 1:
      return {
        category: 'provisional (1xx)',
        meaning: 'The request was received and is being processed; not a final answer',
        solution: 'Nothing to do: wait for the final response',
      };
    case 2:
      return { category: 'success (2xx)', meaning: 'The request succeeded', solution: 'Nothing to do' };
    case 3:
      return {
        category: 'redirection (3xx)',
        meaning: 'The call must be retried at another address',
        solution: 'Check the Contact of the response and the destination configured on your side',
      };
    case 4:
      return {
        category: 'client error (4xx)',
        meaning: 'The request was refused because of something in it or in the trunk configuration',
        solution:
          'Check the request (headers, number format, credentials) and the trunk configuration: `vsip doctor ' +
          '<trunk_sid>`',
      };
    case 5:
      return {
        category: 'server error (5xx)',
        meaning: 'A server on the path failed to carry a valid request',
        solution: 'Check the destination server; retry with backoff',
      };
    default:
      return {
        category: 'global error (6xx)',
        meaning: 'The call cannot succeed anywhere',
        solution: 'Verify the destination number and the call parameters',
      };
  }
}

export type TopicKey = '401' | '403' | 'no-inbound' | 'no-audio';

export interface TroubleshootingCheck {
  title: string;
  command?: string;
  steps: string[];
}

export interface Topic {
  key: TopicKey;
  problem: string;
  symptom: string;
  checks: TroubleshootingCheck[];
}

/** The spec's "Troubleshooting Guide" trees, each CHECK with the vsip command that runs it. */
export const TOPICS: Readonly<Record<TopicKey, Topic>> = {
  '401': {
    key: '401',
    problem: '401 Unauthorized',
    symptom: 'SIP registration fails with 401',
    checks: [
      {
        title: 'Are credentials correct?',
        command: 'vsip credentials show <trunk_sid>',
        steps: ['Verify username = trunk_sid', 'Verify password matches'],
      },
      {
        title: 'Is authentication method correct?',
        steps: ['Use Digest Authentication (not Basic)', 'Realm: pstn.exotel.com'],
      },
    ],
  },
  '403': {
    key: '403',
    problem: '403 Forbidden',
    symptom: 'Calls rejected with 403',
    checks: [
      {
        title: 'Is your IP whitelisted?',
        command: 'vsip ips list <trunk_sid>',
        steps: ['Verify your public IP is in the list', 'If NAT, whitelist your external/public IP'],
      },
      {
        title: 'Is phone number mapped?',
        command: 'vsip numbers list <trunk_sid>',
        steps: ['Verify your caller ID is mapped'],
      },
    ],
  },
  'no-inbound': {
    key: 'no-inbound',
    problem: 'No Inbound Calls Received',
    symptom: "Calls to your number don't reach your server",
    checks: [
      {
        title: 'Is destination URI configured?',
        command: 'vsip destinations list <trunk_sid>',
        steps: ['Verify your server IP:port is listed'],
      },
      {
        title: 'Is your server reachable?',
        command: 'vsip doctor <trunk_sid> --direction origination',
        steps: [
          'Firewall allows inbound on 5060/5061',
          'Server is listening on correct port',
          'Test: nc -zv <your_ip> 5061',
        ],
      },
      {
        title: 'TLS certificate valid? (if using TLS)',
        steps: ['Certificate not expired', 'Certificate chain complete', 'Common Name matches server'],
      },
    ],
  },
  'no-audio': {
    key: 'no-audio',
    problem: 'Call Connects but No Audio',
    symptom: 'Call shows connected but one/both sides have no audio',
    checks: [
      {
        title: 'NAT/Firewall issue',
        steps: [
          'RTP ports open (typically 10000-20000 UDP)',
          'STUN/TURN configured if behind NAT',
          'SIP ALG disabled on router',
        ],
      },
      { title: 'Codec mismatch', steps: ['Supported codecs:', 'G.711 μ-law (PCMU)', 'G.711 A-law (PCMA)', 'G.729'] },
    ],
  },
};

/** Other names users type for the same topics. */
export const TOPIC_ALIASES: Readonly<Record<string, TopicKey>> = {
  unauthorized: '401',
  forbidden: '403',
  'no-inbound-calls': 'no-inbound',
  inbound: 'no-inbound',
  'one-way-audio': 'no-audio',
  audio: 'no-audio',
};

/** The spec's "Common Issues Quick Reference". */
export const QUICK_REFERENCE: ReadonlyArray<{ issue: string; cause: string; fix: string }> = [
  { issue: '401 on registration', cause: 'Wrong credentials', fix: 'Re-fetch from Get Credentials API' },
  { issue: '403 on outbound call', cause: 'IP not whitelisted', fix: 'Add IP via Whitelist IP API' },
  { issue: '404 on outbound call', cause: 'Invalid number format', fix: 'Use E.164 format (+919XXXXXXXXX)' },
  { issue: 'No inbound calls', cause: 'Missing destination URI', fix: 'Add via Add Destination URI API' },
  { issue: 'One-way audio', cause: 'Firewall blocking RTP', fix: 'Open UDP 10000-20000' },
  { issue: 'TLS handshake failed', cause: 'Certificate issue', fix: 'Check cert validity and chain' },
  { issue: 'Registration timeout', cause: 'Network/firewall', fix: 'Check port 5060/5061 connectivity' },
];

export interface CauseInfo {
  /** The SIP code a call with this cause ends with; null when it is the downstream's own code. */
  code: number | null;
  explanation: string;
  fix: string;
  topic?: TopicKey;
}

/** Causes whose troubleshooting tree `vsip explain` shows after the fix. */
const CAUSE_TOPICS: Partial<Record<CallCause, TopicKey>> = {
  ip_not_whitelisted: '403',
  caller_id_not_mapped: '403',
  codec_not_supported: 'no-audio',
  no_destination: 'no-inbound',
  destination_failed: 'no-inbound',
  auth_failed: '401',
  auth_required: '401',
  no_media: 'no-audio',
  one_way_audio: 'no-audio',
  media_timeout: 'no-audio',
  srtp_required: 'no-audio',
  no_common_codec: 'no-audio',
};

/** The gateway's call-log `cause` values, from its one cause table, each with its troubleshooting topic. */
export const CALL_CAUSES: Readonly<Record<CallCause, CauseInfo>> = Object.fromEntries(
  Object.entries(CAUSE_TABLE).map(([cause, row]) => {
    const topic = CAUSE_TOPICS[cause as CallCause];
    return [cause, { code: row.code, explanation: row.meaning, fix: row.fix, ...(topic ? { topic } : {}) }];
  }),
) as Record<CallCause, CauseInfo>;

/** The row for a cause read from a call record (any string), or undefined for one the gateway never writes. */
export function causeInfo(cause: string): CauseInfo | undefined {
  return Object.hasOwn(CALL_CAUSES, cause) ? CALL_CAUSES[cause as CallCause] : undefined;
}

export type ChecklistRow =
  | 'trunk'
  | 'number'
  | 'ip'
  | 'credentials'
  | 'registration'
  | 'gateway'
  | 'destination'
  | 'listening'
  | 'sip-options'
  | 'tls';

/** The checklist rows of "First Successful Call Validation": the spec's check, how to verify, and the fix. */
export const CHECKLIST: Readonly<Record<ChecklistRow, { check: string; verify: string; fix: string }>> = {
  trunk: {
    check: 'Trunk created',
    verify: '`trunk_sid` received in response',
    fix: 'Create the trunk with the Create Trunk API: vsip trunks create <trunk_name>',
  },
  number: {
    check: 'Phone number mapped',
    verify: 'Get Phone Numbers API returns your number',
    fix: 'Map your phone number with the Map Phone Number API: vsip numbers add <trunk_sid> +919XXXXXXXXX (E.164)',
  },
  ip: {
    check: 'IP whitelisted',
    verify: 'Get Whitelisted IPs API returns your IP',
    fix:
      'Add your IP using Whitelist IP API: vsip ips add <trunk_sid> <your_pbx_public_ip> --mask 32 (if NAT, ' +
      'whitelist your external/public IP)',
  },
  credentials: {
    check: 'SIP credentials obtained',
    verify: 'Get Credentials API returns username/password',
    fix: 'Re-fetch from Get Credentials API: vsip credentials show <trunk_sid> (username = trunk_sid)',
  },
  registration: {
    check: 'PBX configured',
    verify: 'SIP registration successful',
    fix:
      'Use the settings of "Configure Your PBX": vsip quickstart prints them (--pbx asterisk|freeswitch for a ' +
      'snippet)',
  },
  gateway: {
    check: 'Firewall allows outbound',
    verify: 'Port 5060/5061 open to Exotel',
    fix:
      'Registration timeout: Network/firewall. Check port 5060/5061 connectivity (allow outbound TCP 5060 and TLS ' +
      '5061 to the SIP server)',
  },
  destination: {
    check: 'Destination URI added',
    verify: 'Get Destination URIs API returns your server',
    fix: 'Add via Add Destination URI API: vsip destinations add <trunk_sid> "<your_server_ip>:5061;transport=tls"',
  },
  listening: {
    check: 'Server listening',
    verify: 'Your SIP server accepting connections on 5060/5061',
    fix: 'Firewall allows inbound on 5060/5061; server is listening on correct port (test: nc -zv <your_ip> 5061)',
  },
  'sip-options': {
    check: 'Firewall allows inbound',
    verify: 'Port 5060/5061 open from Exotel IPs (SIP OPTIONS answered)',
    fix:
      'Your SIP server must answer SIP on the destination URI: allow inbound 5060/5061 from the SIP server IPs ' +
      'and check the server answers OPTIONS',
  },
  tls: {
    check: 'TLS certificate valid',
    verify: 'If using TLS, certificate is trusted',
    fix:
      'TLS handshake failed: certificate issue. Check cert validity and chain: certificate not expired, ' +
      'certificate chain complete, Common Name matches server',
  },
};
