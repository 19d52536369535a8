import { randomBytes } from 'node:crypto';
import { answerChallenge } from '../../src/sip/auth/index.js';
import { getHeader, parseMessage, type SipRequest } from '../../src/sip/message/index.js';
import { openSipConnection } from '../../src/cli/doctor/sip-connection.js';
import { request } from './sip-message.js';

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
    const aor = `<sip:${o.username}@${o.domain}>`;
    const [viaHost = '127.0.0.1', viaPort = '0'] = conn.local.split(':');
    const fromTag = randomBytes(4).toString('hex');
    // The connection matches answers to requests, so it takes a parsed request: built as raw text
    // like every test message, then parsed.
    const make = (cseq: number, authorization?: string): SipRequest =>
      parseMessage(
        Buffer.from(
          request({
            method: 'REGISTER',
            uri,
            from: aor,
            fromTag,
            to: aor,
            viaHost,
            viaPort: Number(viaPort),
            transport: 'TCP',
            callId,
            cseq,
            contact: o.contact,
            extra: ['Expires: 300', ...(authorization ? [`Authorization: ${authorization}`] : [])],
          }),
        ),
      ) as SipRequest;
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
