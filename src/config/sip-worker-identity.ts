import { ConfigError } from './config.js';

/**
 * Who a `vsip serve --sip-workers N` worker is: its index among the workers and the key that
 * steers UDP datagrams between them. The primary hands both to each worker it forks in the
 * worker's environment (`sipWorkerEnv`); the worker reads them back here, once, like any setting.
 */
export interface SipWorkerIdentity {
  index: number;
  key: Buffer;
}

const INDEX = 'VSIP_SIP_WORKER_INDEX';
const KEY = 'VSIP_SIP_WORKER_KEY';

/** The identity given to this process by its primary, or null when it is not a SIP worker. */
export function sipWorkerIdentity(env: Readonly<Record<string, string | undefined>>): SipWorkerIdentity | null {
  const index = env[INDEX];
  if (index === undefined) return null;
  const key = env[KEY] ?? '';
  if (!/^\d{1,2}$/.test(index))
    throw new ConfigError(`${INDEX} = ${JSON.stringify(index)} is not valid: expected a worker index`);
  if (!/^([0-9a-f]{2})+$/i.test(key))
    throw new ConfigError(`${KEY} is not valid: expected the hex key the primary generated`);
  return { index: Number(index), key: Buffer.from(key, 'hex') };
}

/** The environment entries that make a forked process worker `index` (read back by `sipWorkerIdentity`). */
export function sipWorkerEnv(index: number, key: Buffer): Record<string, string> {
  return { [INDEX]: String(index), [KEY]: key.toString('hex') };
}
