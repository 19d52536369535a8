import type { Socket } from 'node:net';
import tls from 'node:tls';
import { StreamTransport, type StreamTransportOptions } from './stream-transport.js';
import type { SipTarget } from './transport.js';

export interface TlsTransportOptions extends StreamTransportOptions {
  cert: Buffer | string;
  key: Buffer | string;
  /**
   * Verify the certificate of peers we connect to (default true). PBXs with self-signed certificates need false or
   * `ca`.
   */
  rejectUnauthorized?: boolean;
  ca?: Buffer | string | Array<Buffer | string>;
  /** Present `cert`/`key` as a client certificate on connections we open (mutual TLS toward carriers). */
  clientCert?: boolean;
}

/**
 * SIP over TLS (RFC 3261 §26.2.1, RFC 5630): listener and outbound client. The server does not ask
 * for client certificates: trunks authenticate by source IP or Digest.
 */
export class TlsTransport extends StreamTransport {
  readonly protocol = 'tls' as const;
  readonly #tls: TlsTransportOptions;

  constructor(options: TlsTransportOptions) {
    super(options);
    this.#tls = options;
  }

  static listen(options: TlsTransportOptions): Promise<TlsTransport> {
    return new TlsTransport(options).start();
  }

  protected createServer(onSocket: (socket: Socket) => void): tls.Server {
    const server = tls.createServer({ cert: this.#tls.cert, key: this.#tls.key }, onSocket);
    // A failed handshake is the peer's problem; without a listener it would be an unhandled error.
    server.on('tlsClientError', () => {
      this.options.counters.transportErrors++;
    });
    return server;
  }

  protected connect(target: SipTarget): { socket: Socket; ready: string } {
    const socket = tls.connect({
      host: target.address,
      port: target.port,
      ...this.localAddressFor(target),
      rejectUnauthorized: this.#tls.rejectUnauthorized ?? true,
      ...(this.#tls.ca !== undefined ? { ca: this.#tls.ca } : {}),
      ...(target.serverName !== undefined ? { servername: target.serverName } : {}),
      // Mutual TLS: our certificate goes to the peer only when configured for clients.
      ...(this.#tls.clientCert === true ? { cert: this.#tls.cert, key: this.#tls.key } : {}),
    });
    return { socket, ready: 'secureConnect' };
  }
}
