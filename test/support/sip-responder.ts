import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createResponse, serializeMessage, SipStreamParser } from '../../src/sip/message/index.js';

export interface Responder {
  port: number;
  /** OPTIONS requests received. */
  received: number;
  close(): Promise<void>;
}

/**
 * A stand-in for a customer's SIP server on 127.0.0.1: answers every request with `status`
 * (200 by default; `reason` is the phrase's octets) over TCP, or TLS with the given certificate.
 * `silent` accepts connections and never answers (a SIP port behind a filtering firewall or a hung server).
 */
export async function startSipResponder(
  opts: { tls?: { cert: string; key: string }; status?: number; reason?: string; silent?: boolean } = {},
): Promise<Responder> {
  const state = { received: 0 };
  const sockets = new Set<Socket>();
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const parser = new SipStreamParser();
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const item of parser.push(chunk)) {
          if (item.type !== 'message' || item.message.kind !== 'request') continue;
          state.received++;
          if (opts.silent) continue;
          socket.write(serializeMessage(createResponse(item.message, opts.status ?? 200, opts.reason)));
        }
      } catch {
        socket.destroy();
      }
    });
  };
  const server: Server = opts.tls
    ? createTlsServer({ cert: opts.tls.cert, key: opts.tls.key }, onSocket)
    : createTcpServer(onSocket);
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    get received() {
      return state.received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
