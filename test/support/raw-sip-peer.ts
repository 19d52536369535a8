import dgram from 'node:dgram';
import { parseMessage } from '../../src/sip/message/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../src/sip/message/types.js';
import { waitFor } from './wait-for.js';

/** A raw SIP peer over UDP (no SIP stack: nothing is retried or answered for it). */
export class RawSipPeer {
  readonly got: Array<{ msg: SipMessage; from: dgram.RemoteInfo }> = [];

  private constructor(readonly socket: dgram.Socket) {}

  static async open(host = '127.0.0.1'): Promise<RawSipPeer> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, host, () => r()));
    const p = new RawSipPeer(s);
    s.on('message', (m, from) => {
      try {
        p.got.push({ msg: parseMessage(m), from });
      } catch {
        /* not SIP */
      }
    });
    return p;
  }

  get port(): number {
    return this.socket.address().port;
  }

  get host(): string {
    return this.socket.address().address;
  }

  send(text: string, to: { address: string; port: number }): void {
    this.socket.send(Buffer.from(text), to.port, to.address);
  }

  /** Answers a request it received, to where it came from. */
  reply(req: SipRequest, text: string): void {
    const e = this.got.find((g) => g.msg === req);
    if (e === undefined) throw new Error('not a request this peer received');
    this.send(text, e.from);
  }

  requests(method: string, callId?: string): SipRequest[] {
    return this.got
      .map((g) => g.msg)
      .filter(
        (m): m is SipRequest =>
          m.kind === 'request' && m.method === method && (callId === undefined || hv(m, 'call-id') === callId),
      );
  }

  responses(status: number, method = 'INVITE', callId?: string): SipResponse[] {
    return this.got
      .map((g) => g.msg)
      .filter(
        (m): m is SipResponse =>
          m.kind === 'response' &&
          m.status === status &&
          (hv(m, 'cseq') ?? '').endsWith(method) &&
          (callId === undefined || hv(m, 'call-id') === callId),
      );
  }

  request(method: string, callId?: string, ms = 5000): Promise<SipRequest> {
    return waitFor(() => this.requests(method, callId)[0], ms, `${method} at port ${this.port}`);
  }

  response(status: number, method = 'INVITE', callId?: string, ms = 5000): Promise<SipResponse> {
    return waitFor(() => this.responses(status, method, callId)[0], ms, `${status} (${method}) at port ${this.port}`);
  }

  close(): void {
    this.socket.close();
  }
}

export function hv(m: SipMessage, name: string): string | undefined {
  return m.headers.find((h) => h.name === name)?.value;
}

/** The route set a UAC takes from a 2xx: its Record-Route values, reversed (RFC 3261 §12.1.2). */
export function routeSetOf(ok: SipResponse): string[] {
  return ok.headers
    .filter((x) => x.name === 'record-route')
    .flatMap((x) => x.value.split(/,\s*(?=<)/))
    .reverse();
}
