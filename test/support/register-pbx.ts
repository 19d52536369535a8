import { randomBytes } from 'node:crypto';
import { answerChallenge } from '../../src/sip/auth/index.js';
import { getHeader, type SipRequest } from '../../src/sip/message/index.js';
import { openSipConnection } from '../../src/cli/doctor/sip-connection.js';

/** A PBX registering its Contact with the gateway over TCP (digest, username = trunk_sid). Returns the final status. */
export async function registerPbx(o: {
  port: number;
  domain: string;
  username: string;
  password: string;
  contact: string;
}): Promise<number> {
  const conn = await openSipConnection({ host: '127.0.0.1', port: o.port, transport: 'tcp', timeoutMs: 3000 });
  try {
    const callId = `${randomBytes(8).toString('hex')}@pbx`;
    const uri = `sip:${o.domain}`;
    const make = (cseq: number, authorization?: string): SipRequest => ({
      kind: 'request',
      method: 'REGISTER',
      uri,
      version: 'SIP/2.0',
      headers: [
        { name: 'via', value: `SIP/2.0/TCP ${conn.local};branch=z9hG4bK${randomBytes(6).toString('hex')}` },
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `<sip:${o.username}@${o.domain}>;tag=${randomBytes(4).toString('hex')}` },
        { name: 'to', value: `<sip:${o.username}@${o.domain}>` },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${cseq} REGISTER` },
        { name: 'contact', value: `<${o.contact}>` },
        { name: 'expires', value: '300' },
        ...(authorization ? [{ name: 'authorization', value: authorization }] : []),
        { name: 'content-length', value: '0' },
      ],
      body: Buffer.alloc(0),
    });
    let res = await conn.request(make(1));
    const challenge = getHeader(res, 'www-authenticate');
    if (res.status === 401 && challenge) {
      res = await conn.request(
        make(2, answerChallenge({ challenge, method: 'REGISTER', uri, username: o.username, password: o.password })),
      );
    }
    return res.status;
  } finally {
    conn.close();
  }
}
