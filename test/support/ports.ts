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
