import { connect } from 'node:net';

export interface ConnectResult {
  ok: boolean;
  ms: number;
  /** Spec-style reason: "connection refused", "timed out after 3000 ms", … */
  error?: string;
}

/** Opens a TCP connection and closes it: "Test: nc -zv <your_ip> 5061" (spec, No Inbound Calls). */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<ConnectResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (error?: string): void => {
      socket.destroy();
      resolve({ ok: error === undefined, ms: Math.round(performance.now() - started), ...(error ? { error } : {}) });
    };
    socket.setTimeout(timeoutMs, () => done(`timed out after ${timeoutMs} ms (firewall dropping packets?)`));
    socket.once('connect', () => done());
    socket.once('error', (err: NodeJS.ErrnoException) => done(socketError(err)));
  });
}

export function socketError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listening on that port)';
    case 'EHOSTUNREACH':
      return 'host unreachable';
    case 'ENETUNREACH':
      return 'network unreachable';
    case 'ENOTFOUND':
      return 'host name does not resolve';
    case 'ECONNRESET':
      return 'connection reset by peer';
    default:
      return err.message;
  }
}
