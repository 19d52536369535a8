import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A port free right now on `host` for both UDP and TCP, for a peer that must be told its port
 * (`sipp -p`, baresip, a PostgreSQL server). Servers under test listen on port 0 instead.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = await new Promise<number>((res, rej) => {
      const s = dgram.createSocket('udp4');
      s.on('error', rej);
      s.bind(0, host, () => {
        const p = s.address().port;
        s.close(() => res(p));
      });
    });
    const tcpOk = await new Promise<boolean>((res) => {
      const srv = net.createServer();
      srv.once('error', () => res(false));
      srv.listen(port, host, () => srv.close(() => res(true)));
    });
    if (tcpOk) return port;
  }
  throw new Error('no free port');
}

/**
 * A port where nothing listens, for "nothing there" cases: TCP connections are refused at once and
 * UDP goes unanswered. Not a `freePort()`: that one is free when asked, but another test process
 * running alongside can bind it before the connection is tried — a doctor test then found "TCP
 * open" and a refused REGISTER on its "closed" port. Port 1 (tcpmux) is below the ephemeral range,
 * so no server of ours gets it, and nothing on these machines serves it.
 */
export const CLOSED_PORT = 1;

/**
 * Resolves once something (a sipp UAS just started) has bound `port` on `host` for `protocol`:
 * binding it ourselves then fails with EADDRINUSE. Polls, so a slow start only makes it wait.
 */
export async function portBound(
  port: number,
  host = '127.0.0.1',
  protocol: 'udp' | 'tcp' = 'udp',
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const taken = await new Promise<boolean>((res) => {
      if (protocol === 'tcp') {
        const srv = net.createServer();
        srv.once('error', (e: NodeJS.ErrnoException) => res(e.code === 'EADDRINUSE'));
        srv.listen(port, host, () => srv.close(() => res(false)));
      } else {
        const s = dgram.createSocket('udp4');
        s.once('error', (e: NodeJS.ErrnoException) => {
          s.close();
          res(e.code === 'EADDRINUSE');
        });
        s.bind(port, host, () => s.close(() => res(false)));
      }
    });
    if (taken) return;
    if (Date.now() > end) throw new Error(`nothing bound ${protocol} ${host}:${port}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
