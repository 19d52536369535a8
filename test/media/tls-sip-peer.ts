import net from 'node:net';
import tls from 'node:tls';
import { SipStreamParser } from '../../src/sip/message/index.js';
import type { SipResponse } from '../../src/sip/message/types.js';
import { waitFor } from '../support/wait-for.js';

/** A raw PBX over TLS (the gateway's self-signed certificate accepted): sends text, collects responses. */
export class TlsSipPeer {
  readonly responses: SipResponse[] = [];

  private constructor(readonly socket: tls.TLSSocket) {}

  static async connect(port: number, localAddress: string): Promise<TlsSipPeer> {
    // From a chosen source address (the trunk's whitelisted one): a TCP socket first, TLS over it.
    const tcp = net.connect({ host: '127.0.0.1', port, localAddress });
    const socket = tls.connect({ socket: tcp, rejectUnauthorized: false });
    await new Promise<void>((res, rej) => {
      socket.once('secureConnect', () => res());
      socket.once('error', rej);
    });
    const p = new TlsSipPeer(socket);
    const parser = new SipStreamParser();
    socket.on('data', (d: Buffer) => {
      for (const item of parser.push(d))
        if (item.type === 'message' && item.message.kind === 'response') p.responses.push(item.message);
    });
    socket.on('error', () => {});
    return p;
  }

  get localPort(): number {
    return this.socket.localPort ?? 0;
  }

  send(text: string): void {
    this.socket.write(text);
  }

  response(status: number, callId: string, ms = 5000): Promise<SipResponse> {
    return waitFor(
      () =>
        this.responses.find(
          (r) => r.status === status && r.headers.find((h) => h.name === 'call-id')?.value === callId,
        ),
      ms,
      `${status} over TLS`,
    );
  }

  close(): void {
    this.socket.destroy();
  }
}
