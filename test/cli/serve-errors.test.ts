import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { rmSync } from 'node:fs';
import net from 'node:net';
import { startServe, tempDir } from '../support/serve-process.js';
import { runCli } from '../support/run-cli.js';

/** A port that is taken: on TCP by a listening server, on UDP by a bound socket. */
async function taken(kind: 'tcp' | 'udp'): Promise<{ port: number; close(): void }> {
  if (kind === 'tcp') {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return { port: (server.address() as net.AddressInfo).port, close: () => server.close() };
  }
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return { port: socket.address().port, close: () => socket.close() };
}

test('vsip serve on a port already in use names the setting to change and exits 1', async () => {
  const dataDir = tempDir('vsip-serve-err-');
  const base = [
    'serve',
    '--data-dir',
    dataDir,
    '--sip-host',
    '127.0.0.1',
    '--api-port',
    '0',
    '--sip-port',
    '0',
    '--sips-port',
    '0',
    '--carrier-port',
    '0',
  ];
  const api = await taken('tcp');
  const sip = await taken('udp');
  try {
    const a = await runCli([...base, '--api-port', String(api.port)], { VSIP_LOG_LEVEL: 'silent' });
    assert.equal(a.code, 1);
    assert.match(
      a.stderr,
      new RegExp(
        `^vsip: 127\\.0\\.0\\.1:${api.port} is already in use \\(another vsip or SIP server\\?\\)\\. Stop it, or ` +
          `choose another port with --api-port \\(VSIP_API_PORT\\)\\.$`,
        'm',
      ),
    );
    const s = await runCli([...base, '--sip-port', String(sip.port)], { VSIP_LOG_LEVEL: 'silent' });
    assert.equal(s.code, 1);
    assert.match(s.stderr, new RegExp(`:${sip.port} is already in use .* --sip-port \\(VSIP_SIP_PORT\\)`));
    // The API was up when the SIP port failed: still no account, so the next (successful) first
    // start creates one and shows its token.
    const accounts = await runCli(['accounts', 'list', '--data-dir', dataDir, '--json'], {});
    assert.deepEqual(JSON.parse(accounts.stdout), []);
    const serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'silent' } });
    await serve.stop();
    assert.match(serve.output(), /First start: created an account/);
  } finally {
    api.close();
    sip.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
