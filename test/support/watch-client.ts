import type { SipResponse } from '../../src/sip/message/types.js';
import type { ClientTransactionUser } from '../../src/sip/transaction/index.js';

/** A client transaction user for tests: what the transaction reported, as promises. */
export interface ClientWatch {
  user: ClientTransactionUser;
  final: Promise<SipResponse>;
  transportError: Promise<unknown>;
  timeout: Promise<string>;
}

export function watchClient(onProvisional: (res: SipResponse) => void = () => {}): ClientWatch {
  let final!: (res: SipResponse) => void;
  let transportError!: (err: unknown) => void;
  let timeout!: (timer: string) => void;
  const w: ClientWatch = {
    user: {
      provisional: (res) => onProvisional(res),
      final: (res) => final(res),
      timeout: (timer) => timeout(timer),
      transportError: (err) => transportError(err),
    },
    final: new Promise((r) => (final = r)),
    transportError: new Promise((r) => (transportError = r)),
    timeout: new Promise((r) => (timeout = r)),
  };
  return w;
}
