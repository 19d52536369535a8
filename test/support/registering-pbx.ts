import { answerChallenge } from '../../src/sip/auth/answer-challenge.js';
import { getHeader } from '../../src/sip/message/index.js';
import type { SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { createSipEndpoint, type SipEndpoint } from '../../src/sip/sip-endpoint.js';
import type { InviteServerTransaction } from '../../src/sip/transaction/invite-server-transaction.js';
import { randomToken } from '../../src/sip/transaction/branch.js';
import type { SipProtocol, SipTarget } from '../../src/sip/transport/transport.js';

/** Where and as whom a PBX registers: the gateway's access side, the trunk's credentials. */
export interface Registration {
  gateway: SipTarget;
  accountSid: string;
  /** The trunk_sid: the digest username and the user part of the address of record. */
  trunk: string;
  password: string;
}

/**
 * A PBX on the SIP stack, on its own address: answers INVITE with 180 then 200 (or only rings),
 * 487 to CANCEL, 200 to anything else (OPTIONS keep-alives, BYE), and counts what it got. Its
 * REGISTER leaves from its own listener, so the gateway records the flow calls must come back
 * over (RFC 5626 §5).
 */
export class RegisteringPbx {
  readonly invites: SipRequest[] = [];
  readonly options: SipRequest[] = [];
  cancels = 0;
  byes = 0;
  acks = 0;

  private constructor(
    readonly ep: SipEndpoint,
    readonly protocol: SipProtocol,
    readonly port: number,
    /** The Contact of its answers: `contactHost` (a private address behind NAT) or its own. */
    readonly contact: string,
  ) {}

  static async open(
    host: string,
    protocol: SipProtocol,
    o: { ring?: boolean; contactHost?: string } = {},
  ): Promise<RegisteringPbx> {
    const ep = await createSipEndpoint({ listen: [{ protocol, host, port: 0 }] });
    const port = ep.addresses()[0]?.port ?? 0;
    const contact = `<sip:pbx@${o.contactHost ?? host}:${port}${protocol === 'udp' ? '' : `;transport=${protocol}`}>`;
    const p = new RegisteringPbx(ep, protocol, port, contact);
    ep.onAck(() => {
      p.acks++;
    });
    ep.onRequest((tx) => {
      const req = tx.request;
      if (req.method === 'INVITE') {
        p.invites.push(req);
        const inv = tx as InviteServerTransaction;
        inv.user = {
          cancel: () => {
            p.cancels++;
            inv.reply(487, 'Request Terminated');
          },
          transportError: () => {},
        };
        inv.reply(180, 'Ringing', { headers: [{ name: 'contact', value: contact }] });
        if (o.ring) return;
        inv.retransmit2xx = true;
        inv.reply(200, 'OK', { headers: [{ name: 'contact', value: contact }] });
        return;
      }
      if (req.method === 'BYE') p.byes++;
      if (req.method === 'OPTIONS') p.options.push(req);
      tx.reply(200);
    });
    return p;
  }

  /** REGISTER `contact` (its own by default) with digest: the first attempt's 401 is answered. */
  async register(r: Registration, o: { contact?: string; expires?: number } = {}): Promise<SipResponse> {
    const domain = `${r.accountSid}.pstn.exotel.com`;
    const aor = `<sip:${r.trunk}@${domain}>`;
    const callId = randomToken();
    const make = (seq: number, auth?: string): SipRequest => ({
      kind: 'request',
      method: 'REGISTER',
      uri: `sip:${domain}`,
      version: 'SIP/2.0',
      headers: [
        { name: 'max-forwards', value: '70' },
        { name: 'from', value: `${aor};tag=${randomToken()}` },
        { name: 'to', value: aor },
        { name: 'call-id', value: callId },
        { name: 'cseq', value: `${seq} REGISTER` },
        { name: 'contact', value: o.contact ?? this.contact },
        { name: 'expires', value: String(o.expires ?? 300) },
        ...(auth ? [{ name: 'authorization', value: auth }] : []),
      ],
      body: Buffer.alloc(0),
    });
    const first = await sendRequest(this.ep, make(1), r.gateway);
    const challenge = getHeader(first, 'www-authenticate');
    if (first.status !== 401 || challenge === null) return first;
    const auth = answerChallenge({
      challenge,
      method: 'REGISTER',
      uri: `sip:${domain}`,
      username: r.trunk,
      password: r.password,
    });
    return sendRequest(this.ep, make(2, auth), r.gateway);
  }

  close(): Promise<void> {
    return this.ep.close();
  }
}

/** Sends a request through `ep`'s transaction layer; resolves with its final response. */
export function sendRequest(ep: SipEndpoint, req: SipRequest, target: SipTarget): Promise<SipResponse> {
  return new Promise((resolve, reject) => {
    ep.sendRequest(req, target, {
      provisional: () => {},
      final: (res: SipResponse) => resolve(res),
      timeout: () => reject(new Error(`no final response to ${req.method}`)),
      transportError: (err) => reject(err),
    });
  });
}
