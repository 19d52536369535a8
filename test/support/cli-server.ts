import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createAccountCli, startServe, tempDir, type AccountJson, type ServeProcess } from './serve-process.js';

export interface CliServer {
  serve: ServeProcess;
  account: AccountJson;
  dataDir: string;
  /** The environment a user would export after `vsip accounts create`: API URL, SID, key, token. */
  env: Record<string, string>;
  /** Access-side SIP ports of the gateway. */
  sip: { udp: number; tcp: number; tls: number; carrierUdp: number; carrierTcp: number };
  /** `--sip-port/--sips-port` flags pointing doctor/quickstart at this gateway. */
  gatewayFlags: string[];
  stop(): Promise<void>;
}

/**
 * A live `vsip serve` (temp data dir, every port 0) and an account made with `vsip accounts create`;
 * `env` adds settings of the server.
 */
export async function startCliServer(env: Record<string, string> = {}): Promise<CliServer> {
  const dataDir = tempDir('vsip-cli-');
  const account = createAccountCli(dataDir);
  const serve = await startServe({ dataDir, env: { VSIP_LOG_LEVEL: 'warn', ...env } });
  const port = (side: string, protocol: string): number =>
    serve.sip.find((a) => a.side === side && a.protocol === protocol)?.port ?? 0;
  const sip = {
    udp: port('access', 'udp'),
    tcp: port('access', 'tcp'),
    tls: port('access', 'tls'),
    carrierUdp: port('carrier', 'udp'),
    carrierTcp: port('carrier', 'tcp'),
  };
  return {
    serve,
    account,
    dataDir,
    env: {
      VSIP_API_URL: serve.api ?? '',
      VSIP_ACCOUNT_SID: account.account_sid,
      VSIP_API_KEY: account.api_key,
      VSIP_API_TOKEN: account.api_token,
      XDG_CONFIG_HOME: join(dataDir, 'xdg'),
    },
    sip,
    gatewayFlags: ['--gateway', '127.0.0.1', '--sip-port', String(sip.tcp), '--sips-port', String(sip.tls)],
    async stop() {
      await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
