import { getHeader } from '../../src/sip/message/index.js';
import { buildChallenge, NonceCountCache, verifyDigest } from '../../src/sip/auth/index.js';
import type { SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { ServerTransaction } from '../../src/sip/transaction/transaction-layer.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server-transaction.js';

export interface SimpleUasOptions {
  /** Challenge REGISTER (401) and INVITE (407) with Digest for this user. */
  auth?: {
    username: string;
    password: string;
    realm: string;
    secret: string;
    nonceTtlSeconds?: number;
    algorithm?: 'MD5' | 'SHA-256';
  };
  /** Silently drop the first INVITE of each Call-ID, so the UAC has to retransmit it. */
  dropFirstInvite?: boolean;
  /** Request-URI users that only ring (180) and wait for a CANCEL. */
  ringOnlyUsers?: Set<string>;
  /** Send an SDP answer in the 200 (as sipp's own uas does). */
  sdp?: boolean;
  /** Challenge OPTIONS too (407), as a carrier that authenticates everything does. */
  challengeOptions?: boolean;
}

export interface SimpleUasStats {
  invites: number;
  dropped: number;
  answered: number;
  byes: number;
  registers: number;
  challenged: number;
  cancelled: number;
  /** ACKs for our 2xx matched to their INVITE (by Call-ID and CSeq, RFC 3261 §13.3.1.4). */
  acks: number;
  authFailures: string[];
  /** Request-URIs of the INVITEs received. */
  uris: string[];
}

const SDP = Buffer.from(
  'v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 ' +
    'PCMU/8000\r\n',
);

/**
 * A minimal UAS on the endpoint, for the sipp interop tests and the UAS benchmark: INVITE → 180 + 200,
 * BYE → 200, REGISTER → 200, optional Digest challenges, CANCEL → 487; its 2xx is retransmitted until
 * the ACK (§13.3.1.4).
 */
export function attachSimpleUas(ep: SipEndpoint, options: SimpleUasOptions = {}): SimpleUasStats {
  const stats: SimpleUasStats = {
    invites: 0,
    dropped: 0,
    answered: 0,
    byes: 0,
    registers: 0,
    challenged: 0,
    cancelled: 0,
    acks: 0,
    authFailures: [],
    uris: [],
  };
  const seenCallIds = new Set<string>();
  const nonceCounts = new NonceCountCache(10_000);
  const contactFor = (tx: ServerTransaction): string => {
    const local = tx.source.local;
    const host = local.address.includes(':') ? `[${local.address}]` : local.address;
    return `<sip:uas@${host}:${local.port};transport=${tx.source.protocol}>`;
  };

  const authorized = (tx: ServerTransaction, status: 401 | 407): boolean => {
    const auth = options.auth;
    if (auth === undefined) return true;
    const header = getHeader(tx.request, status === 401 ? 'authorization' : 'proxy-authorization');
    let stale = false;
    if (header !== null) {
      const v = verifyDigest({
        authorization: header,
        method: tx.request.method,
        password: auth.password,
        realm: auth.realm,
        secret: auth.secret,
        now: Date.now(),
        nonceTtlSeconds: auth.nonceTtlSeconds ?? 60,
        nonceCounts,
      });
      if (v.ok && v.username === auth.username) return true;
      if (!v.ok) stats.authFailures.push(v.reason);
      stale = !v.ok && v.reason === 'stale';
    }
    stats.challenged++;
    const challenge = buildChallenge({
      realm: auth.realm,
      secret: auth.secret,
      now: Date.now(),
      stale,
      ...(auth.algorithm !== undefined ? { algorithm: auth.algorithm } : {}),
    });
    tx.reply(status, undefined, {
      headers: [{ name: status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate', value: challenge }],
    });
    return false;
  };

  ep.onRequest((tx) => {
    const req = tx.request;
    switch (req.method) {
      case 'INVITE': {
        stats.invites++;
        stats.uris.push(req.uri);
        const callId = getHeader(req, 'call-id') ?? '';
        if (options.dropFirstInvite && !seenCallIds.has(callId)) {
          seenCallIds.add(callId);
          stats.dropped++;
          tx.terminate(); // as if the datagram had been lost
          return;
        }
        if (!authorized(tx, 407)) return;
        const user = /^sips?:([^@;]+)@/.exec(req.uri)?.[1] ?? '';
        const invite = tx as InviteServerTransaction;
        if (options.ringOnlyUsers?.has(user)) {
          invite.user = {
            cancel: () => {
              stats.cancelled++;
              invite.reply(487, 'Request Terminated');
            },
            transportError: () => {},
          };
          invite.reply(180, 'Ringing', { headers: [{ name: 'Contact', value: contactFor(tx) }] });
          return;
        }
        tx.reply(180, 'Ringing', { headers: [{ name: 'Contact', value: contactFor(tx) }] });
        invite.retransmit2xx = true;
        invite.on('ack', () => stats.acks++);
        tx.reply(200, 'OK', {
          headers: [{ name: 'Contact', value: contactFor(tx) }],
          ...(options.sdp ? { body: SDP, contentType: 'application/sdp' } : {}),
        });
        stats.answered++;
        return;
      }
      case 'BYE':
        stats.byes++;
        tx.reply(200);
        return;
      case 'REGISTER': {
        stats.registers++;
        if (!authorized(tx, 401)) return;
        const contact = getHeader(req, 'contact');
        tx.reply(200, 'OK', {
          headers: contact === null ? [] : [{ name: 'Contact', value: `${contact};expires=3600` }],
        });
        return;
      }
      case 'OPTIONS':
        if (options.challengeOptions && !authorized(tx, 407)) return;
        tx.reply(200);
        return;
      default:
        tx.reply(405, 'Method Not Allowed', {
          headers: [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS' }],
        });
    }
  });
  ep.onAck(() => undefined);
  return stats;
}
