import type { Config } from '../config/config.js';
import { SERVE_OPTIONS } from '../config/options.js';

/** Which setting owns each listening port, to name it when the port cannot be taken. */
const PORT_KEYS = ['apiPort', 'sipPort', 'sipsPort', 'carrierPort'] as const;

/**
 * Turns a listen/bind failure (EADDRINUSE, EACCES) into a message that says which setting's port
 * it was and how to change it; other errors pass through unchanged.
 */
export function explainListenError(err: unknown, config: Config): unknown {
  const e = err as NodeJS.ErrnoException & { port?: number; address?: string };
  if (
    e === null ||
    typeof e !== 'object' ||
    (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') ||
    typeof e.port !== 'number'
  )
    return err;
  const key = PORT_KEYS.find((k) => config[k] === e.port);
  // With --sip-workers, worker i also binds <sip/carrier port> + 1000 + i (udp-steering.ts).
  const workerOf =
    key !== undefined || config.sipWorkers <= 1
      ? undefined
      : (['sipPort', 'carrierPort'] as const).find(
          (k) => e.port! - config[k] - 1000 >= 0 && e.port! - config[k] - 1000 < config.sipWorkers,
        );
  const option = SERVE_OPTIONS.find((o) => o.key === (key ?? workerOf));
  const where = `${e.address ?? ''}:${e.port}`;
  const setting =
    option === undefined
      ? 'the port'
      : workerOf !== undefined
        ? `${option.flag} (a SIP worker's own port is that port + 1000 + its index)`
        : `${option.flag} (${option.env})`;
  const message =
    e.code === 'EADDRINUSE'
      ? `${where} is already in use (another vsip or SIP server?). Stop it, or choose another port with ${setting}.`
      : `no permission to listen on ${where}: ports below 1024 need root or CAP_NET_BIND_SERVICE. Choose another ` +
        `port with ${setting}.`;
  return Object.assign(new Error(message), { code: e.code, cause: err });
}
