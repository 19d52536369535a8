import { randomBytes } from 'node:crypto';
import {
  answerChallenge,
  generateBranch,
  getHeader,
  getHeaderValues,
  octetsToText,
  randomToken,
} from '../../sip/index.js';
import type { SipRequest } from '../../sip/index.js';
import { openSipConnection, type SipConnection, type SipTarget } from './sip-connection.js';

export interface RegistrationQueryResult {
  /** Final status after answering the digest challenge; null when no answer. */
  status: number | null;
  /** The reason phrase as text (the codec keeps it as octets; SIP text is UTF-8, RFC 3261 §25.1). */
  reason?: string;
  /** Current bindings the registrar returned (PBX Contacts), with seconds left, as text. */
  bindings: string[];
  error?: string;
  ms: number;
}

/**
 * Asks the gateway's registrar which PBX contacts are registered for the trunk, with the trunk's
 * own credentials: a REGISTER without Contact only fetches the bindings and changes none
 * (RFC 3261 §10.2.3), so running doctor never disturbs the PBX's registration. The digest
 * exchange also proves the gateway accepts the credentials Get Credentials returned.
 */
export async function registrationQuery(
  target: SipTarget,
  creds: { domain: string; username: string; password: string },
): Promise<RegistrationQueryResult> {
  const started = performance.now();
  const ms = (): number => Math.round(performance.now() - started);
  let conn: SipConnection;
  try {
    conn = await openSipConnection(target);
  } catch (err) {
    return { status: null, bindings: [], error: (err as Error).message, ms: ms() };
  }
  try {
    const callId = `${randomBytes(8).toString('hex')}@vsip-doctor`;
    const tag = randomToken();
    const uri = `sip:${creds.domain}`;
    const make = (cseq: number, authorization?: string): SipRequest => ({
      kind: 'request',
      method: 'REGISTER',
      uri,
      version: 'SIP/2.0',
      headers: [
        {
          name: 'via',
          value: `SIP/2.0/${target.transport.toUpperCase()} ${conn.local};branch=${generateBranch()};rport`,
        },
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${creds.username}@${creds.domain}>;tag=${tag}` },
        { name: 'to', value: `<sip:${creds.username}@${creds.domain}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${cseq} REGISTER` },
        ...(authorization ? [{ name: 'authorization', value: authorization }] : []),
        { name: 'user-agent', value: 'vsip-doctor' },
        { name: 'content-length', value: '0' },
      ],
      body: Buffer.alloc(0),
    });
    let res = await conn.request(make(1));
    if (res.status === 401) {
      const challenge = getHeader(res, 'www-authenticate');
      if (!challenge)
        return {
          status: 401,
          reason: octetsToText(res.reason),
          bindings: [],
          error: '401 without a challenge',
          ms: ms(),
        };
      res = await conn.request(
        make(
          2,
          answerChallenge({ challenge, method: 'REGISTER', uri, username: creds.username, password: creds.password }),
        ),
      );
    }
    const bindings = res.status === 200 ? getHeaderValues(res, 'contact').map(octetsToText) : [];
    return { status: res.status, reason: octetsToText(res.reason), bindings, ms: ms() };
  } catch (err) {
    return { status: null, bindings: [], error: (err as Error).message, ms: ms() };
  } finally {
    conn.close();
  }
}
