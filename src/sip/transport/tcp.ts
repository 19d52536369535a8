import net from 'node:net';
import { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
import type { SipTarget } from './transport.js';

/** SIP over TCP (RFC 3261 §18): listener and outbound client, framing in `StreamTransport`. */
export class TcpTransport extends StreamTransport {
  readonly protocol = 'tcp' as const;

  static listen(options: StreamTransportOptions): Promise<TcpTransport> {
    return new TcpTransport(options).start();
  }

  protected createServer(onSocket: (socket: net.Socket) => void): net.Server {
    return net.createServer(onSocket);
  }

  protected connect(target: SipTarget): { socket: net.Socket; ready: string } {
    return {
      socket: net.connect({ host: target.address, port: target.port, ...this.localAddressFor(target) }),
      ready: 'connect',
    };
  }
}
