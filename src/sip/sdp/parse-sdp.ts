import { SipParseError } from '../message/sip-parse-error.js';
import type { SdpConnection, SdpMedia, SdpSession } from './types.js';

const MAX_LINES = 2_000;
/** More media sections than any call uses (audio, video, a data channel, each maybe twice) is an SDP bomb. */
const MAX_MEDIA = 32;
/** ICE candidates, all sections together: a few per interface and transport, never hundreds (RFC 8445 §5.1.1). */
const MAX_CANDIDATES = 128;

function fail(why: string): never {
  throw new SipParseError('bad_sdp', `Malformed SDP: ${why}`);
}

function parseConnection(v: string): SdpConnection {
  const parts = v.split(' ');
  if (parts.length < 3 || parts.some((p) => p.length === 0)) fail('bad c= line');
  return { netType: parts[0]!, addrType: parts[1]!, address: parts[2]! };
}

function parseMediaLine(v: string): SdpMedia {
  // m=<media> <port>[/<number of ports>] <proto> <fmt> ... (RFC 4566 §5.14)
  const parts = v.split(' ');
  if (parts.length < 3 || parts.slice(0, 3).some((p) => p.length === 0)) fail('bad m= line');
  const m = /^(\d{1,5})(?:\/(\d{1,5}))?$/.exec(parts[1]!);
  if (m === null || Number(m[1]) > 65535) fail('bad port in m= line');
  return {
    media: parts[0]!,
    port: Number(m[1]),
    portCount: m[2] === undefined ? null : Number(m[2]),
    proto: parts[2]!,
    formats: parts.slice(3).filter((f) => f.length > 0),
    rtpmap: new Map(),
    connection: null,
    attributes: [],
  };
}

/**
 * Parses an SDP body (RFC 4566 §5): session origin, name, connection and attributes, and per media
 * section its port, proto, formats, connection, attributes and `a=rtpmap` codecs. Lines may end
 * with CRLF or LF (§5). Unknown line types and malformed rtpmaps are skipped; a malformed `v=`,
 * `c=` or `m=` line, or a line that is not `<type>=<value>`, throws a SipParseError `bad_sdp` (the gateway answers
 * 488/400), never anything else.
 */
export function parseSdp(text: string | Buffer): SdpSession {
  const src = typeof text === 'string' ? text : text.toString('utf8');
  const lines = src.split('\n', MAX_LINES + 1);
  if (lines.length > MAX_LINES) fail('too many lines');
  const session: SdpSession = {
    version: -1,
    origin: null,
    sessionName: null,
    connection: null,
    attributes: [],
    media: [],
  };
  let current: SdpMedia | null = null;
  let candidates = 0;
  for (let raw of lines) {
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.length === 0) continue;
    if (raw.length < 2 || raw[1] !== '=') fail('line is not <type>=<value>');
    const type = raw[0]!;
    const value = raw.slice(2);
    if (session.version === -1) {
      if (type !== 'v' || value.trim() !== '0') fail('must start with v=0');
      session.version = 0;
      continue;
    }
    switch (type) {
      case 'o':
        session.origin = value;
        break;
      case 's':
        session.sessionName = value;
        break;
      case 'c':
        if (current === null) session.connection = parseConnection(value);
        else current.connection = parseConnection(value);
        break;
      case 'm':
        if (session.media.length >= MAX_MEDIA) fail('too many media sections');
        current = parseMediaLine(value);
        session.media.push(current);
        break;
      case 'a':
        if (value.startsWith('candidate:') && ++candidates > MAX_CANDIDATES) fail('too many ICE candidates');
        if (current === null) {
          session.attributes.push(value);
          break;
        }
        current.attributes.push(value);
        if (value.startsWith('rtpmap:')) {
          // a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] (RFC 4566 §6)
          const m = /^rtpmap:(\d{1,3}) +([^/ ]+)\/(\d{1,9})(?:\/(\d{1,3}))?\s*$/.exec(value);
          // A malformed rtpmap (RFC 4475's `a=rtpmap:31 LPC` has no clock rate) names nothing: skip it.
          if (m !== null)
            current.rtpmap.set(m[1]!, {
              encoding: m[2]!,
              clockRate: Number(m[3]),
              channels: m[4] === undefined ? null : Number(m[4]),
            });
        }
        break;
      default:
        break;
    }
  }
  if (session.version === -1) fail('empty');
  return session;
}
