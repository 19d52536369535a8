/**
 * Digest REGISTER / INVITE over raw UDP for the brute-force and enumeration tests: a fresh branch
 * and tags per request, the challenge read from the 401/407 and answered with `answerChallenge`.
 */
import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import type { Target, UdpProbe } from './sip-probe.js';
import { header, request, SDP } from './sip-message.js';

export interface AuthTarget {
  gateway: Target;
  /** `<account_sid>.pstn.exotel.com` */
  domain: string;
}

async function finalOf(probe: UdpProbe, callId: string, seen: number, timeoutMs: number): Promise<Buffer | null> {
  for (let i = seen; ; i++) {
    const r = await probe.next(i, timeoutMs);
    if (r === null) return null;
    const text = r.toString('latin1');
    if (text.includes(`Call-ID: ${callId}`) && /^SIP\/2\.0 [2-6]\d\d/.test(text)) return r;
  }
}

/** Sends one request and waits for its final response (null = silence within `timeoutMs`). */
export async function exchange(
  probe: UdpProbe,
  t: AuthTarget,
  method: 'REGISTER' | 'INVITE',
  callId: string,
  cseq: number,
  extra: string[] = [],
  timeoutMs = 5000,
): Promise<Buffer | null> {
  const seen = probe.replies.length;
  const uri = method === 'REGISTER' ? `sip:${t.domain}` : `sip:+14155550100@${t.domain}`;
  const from = method === 'REGISTER' ? `<sip:pbx@${t.domain}>` : `<sip:+919800000061@${t.domain}>`;
  const local = probe.socket.address().address;
  await probe.send(
    request({
      method,
      uri,
      from,
      to: method === 'REGISTER' ? `<sip:pbx@${t.domain}>` : undefined,
      viaHost: local,
      viaPort: probe.port,
      callId,
      cseq,
      extra: method === 'REGISTER' ? ['Expires: 60', ...extra] : extra,
      ...(method === 'INVITE' ? { body: SDP } : {}),
    }),
    t.gateway,
  );
  return finalOf(probe, callId, seen, timeoutMs);
}

/**
 * A challenged attempt: first request without credentials, then again with credentials for
 * `username` / `password`. Returns the answer to the second request.
 */
export async function attempt(
  probe: UdpProbe,
  t: AuthTarget,
  method: 'REGISTER' | 'INVITE',
  username: string,
  password: string,
  timeoutMs = 5000,
): Promise<Buffer | null> {
  const callId = `${Math.random().toString(36).slice(2)}@probe`;
  const first = await exchange(probe, t, method, callId, 1, [], timeoutMs);
  if (first === null) return null;
  const challengeName = method === 'REGISTER' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
  const challenge = header(first, challengeName);
  if (challenge === undefined) return first; // refused outright (403 while blocked)
  const uri = method === 'REGISTER' ? `sip:${t.domain}` : `sip:+14155550100@${t.domain}`;
  const auth = answerChallenge({ challenge, method, uri, username, password });
  return exchange(
    probe,
    t,
    method,
    callId,
    2,
    [`${method === 'REGISTER' ? 'Authorization' : 'Proxy-Authorization'}: ${auth}`],
    timeoutMs,
  );
}
