/**
 * Codec throughput on a typical trunk INVITE with SDP: datagram parse (with the header checks
 * parseMessage always does), stream framing of pipelined messages, parse + validate + lazy
 * structured reads a proxy does (top Via, From tag, CSeq, SDP codecs), and serialize.
 * Run: `node dist/bench/sip-core/parse-bench.js [seconds-per-case]`; prints one JSON line.
 */
import {
  SipStreamParser,
  getHeader,
  getHeaderValues,
  offeredCodecs,
  parseCSeq,
  parseMessage,
  parseNameAddr,
  parseSdp,
  parseVia,
  serializeMessage,
  validateMessage,
} from '../../src/sip/message/index.js';

const SDP = [
  'v=0',
  'o=- 3912345678 3912345678 IN IP4 198.51.100.10',
  's=-',
  'c=IN IP4 198.51.100.10',
  't=0 0',
  'm=audio 16384 RTP/AVP 0 8 18 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=sendrecv',
  '',
].join('\r\n');

const INVITE = Buffer.from(
  [
    'INVITE sip:+919876543210@trunk.example.net:5060;transport=udp SIP/2.0',
    'Via: SIP/2.0/UDP 198.51.100.10:5060;branch=z9hG4bK-524287-1---4c8a1e0f2b3d9c11;rport',
    'Max-Forwards: 70',
    'Contact: <sip:+918012345678@198.51.100.10:5060;transport=udp>',
    'To: <sip:+919876543210@trunk.example.net>',
    'From: "Contact Centre" <sip:+918012345678@pbx.example.com>;tag=4b2e7d1a',
    'Call-ID: 8f1b6c0d2e3a4f5b6c7d8e9f0a1b2c3d@198.51.100.10',
    'CSeq: 1 INVITE',
    'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE',
    'Supported: replaces, timer',
    'User-Agent: Asterisk PBX 20.5.0',
    'P-Asserted-Identity: <sip:+918012345678@pbx.example.com>',
    'Session-Expires: 1800',
    'Content-Type: application/sdp',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
    '',
    SDP,
  ].join('\r\n'),
);

function measure(name: string, seconds: number, fn: () => void): number {
  for (let i = 0; i < 20_000; i++) fn(); // warm up the JIT
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(seconds * 1e9));
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < 1000; i++) fn();
    n += 1000;
    now = process.hrtime.bigint();
  }
  const perSec = Math.round(n / (Number(now - start) / 1e9));
  process.stderr.write(`${name}: ${perSec.toLocaleString('en')} /s\n`);
  return perSec;
}

const seconds = Number(process.argv[2] ?? 2);
const parsed = parseMessage(INVITE);
const PIPELINE = Buffer.concat(Array.from({ length: 100 }, () => INVITE));
let sink = 0;

const result = {
  bench: 'sip-core/parse',
  node: process.version,
  messageBytes: INVITE.length,
  parseInvitePerSec: measure('parseMessage (INVITE+SDP)', seconds, () => {
    sink += parseMessage(INVITE).headers.length;
  }),
  streamInvitePerSec:
    100 *
    measure('SipStreamParser x100 pipelined / 100', seconds, () => {
      sink += new SipStreamParser().push(PIPELINE).length;
    }),
  proxyReadPerSec: measure('parse + validate + Via/From/CSeq/SDP reads', seconds, () => {
    const msg = parseMessage(INVITE);
    validateMessage(msg);
    const via = parseVia(getHeaderValues(msg, 'via')[0]!);
    const from = parseNameAddr(getHeader(msg, 'from')!);
    const cseq = parseCSeq(getHeader(msg, 'cseq')!);
    const codecs = offeredCodecs(parseSdp(msg.body));
    sink += via.port! + from.params.size + cseq.seq + codecs.size;
  }),
  serializeInvitePerSec: measure('serializeMessage (INVITE+SDP)', seconds, () => {
    sink += serializeMessage(parsed).length;
  }),
};
if (sink === 0) process.stderr.write('unreachable\n');
process.stdout.write(`${JSON.stringify(result)}\n`);
