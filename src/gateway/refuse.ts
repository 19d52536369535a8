import type { ServerTransaction, SipHeader } from '../sip/index.js';
import type { CallCause } from './call-cause.js';
import { record, type CallState } from './call-record.js';
import type { ProxyDeps } from './proxy-deps.js';

/** One answer that ends an INVITE before it is proxied. */
export interface Refusal {
  code: number;
  reason: string;
  /**
   * What the call log and metrics record; null for a routine answer that is no failed call (the first digest
   * challenge).
   */
  cause: CallCause | null;
  /** The Warning's text when it should say more than the reason phrase. */
  warning?: string;
  /** Headers besides the Warning (Retry-After, Unsupported, Proxy-Authenticate). */
  headers?: SipHeader[];
}

export interface RefuseContext {
  tx: ServerTransaction;
  call: CallState;
  deps: Pick<ProxyDeps, 'callLog' | 'metrics'>;
  /** The warn-agent of our Warning headers: the host name the peer reaches us by. */
  warnAgent: string;
}

/**
 * The one way an admission step refuses an INVITE: the reply, a `Warning: 399` naming what to fix
 * (RFC 3261 §20.43; the status code stays exactly the spec's) and the call-log record, so no
 * refusal can send one without the others.
 */
export function refuse(ctx: RefuseContext, r: Refusal): void {
  const warning: SipHeader = { name: 'warning', value: `399 ${ctx.warnAgent} "${r.warning ?? r.reason}"` };
  ctx.tx.reply(r.code, r.reason, { headers: r.headers === undefined ? [warning] : [...r.headers, warning] });
  if (r.cause !== null) record(ctx.deps, ctx.call, r.code, r.cause, ctx.call.startedAt);
}
