import {
  formatHost,
  randomToken,
  type ClientTransactionUser,
  type SipHeader,
  type SipRequest,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';

/** How one out-of-dialog request to a carrier ended; a transport failure with what the transport said. */
export type CarrierReply =
  | { kind: 'final'; response: SipResponse }
  | { kind: 'timeout' }
  | { kind: 'transport'; error?: string };

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** The narrow view of the carrier side these requests need (SipPort satisfies it; STYLE.md §9). */
export interface CarrierRequestPort {
  readonly advertise: string;
  routePort(protocol: SipTarget['protocol']): number;
  sendRequest(req: SipRequest, target: SipTarget, user: ClientTransactionUser): unknown;
}

export interface CarrierRequestOptions {
  method: 'OPTIONS' | 'REGISTER';
  requestUri: string;
  /** From/To address-of-record (`sip:user@host`); From gets a fresh tag. */
  from: string;
  to: string;
  callId?: string;
  cseq?: number;
  headers?: SipHeader[];
}

/**
 * A request vsip originates toward a carrier (an OPTIONS probe, a REGISTER): the mandatory header
 * fields of RFC 3261 §8.1.1 (the endpoint adds our Via), sent in a client transaction. Resolves with
 * the final response, or how it failed; a guard of `timeoutMs` answers `timeout` before Timer F when
 * the caller cannot wait that long (a probe every few seconds).
 */
export function sendCarrierRequest(
  port: CarrierRequestPort,
  target: SipTarget,
  o: CarrierRequestOptions,
  timeoutMs: number,
): Promise<CarrierReply> {
  const req: SipRequest = {
    kind: 'request',
    version: 'SIP/2.0',
    method: o.method,
    uri: o.requestUri,
    headers: [
      { name: 'max-forwards', value: '70' },
      { name: 'from', value: `<${o.from}>;tag=${randomToken()}` },
      { name: 'to', value: `<${o.to}>` },
      { name: 'call-id', value: o.callId ?? `${randomToken()}@${port.advertise}` },
      { name: 'cseq', value: `${o.cseq ?? 1} ${o.method}` },
      ...(o.headers ?? []),
      { name: 'content-length', value: '0' },
    ],
    body: Buffer.alloc(0),
  };
  return new Promise((resolve) => {
    let done = false;
    const end = (r: CarrierReply): void => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      resolve(r);
    };
    const guard = setTimeout(() => end({ kind: 'timeout' }), timeoutMs);
    guard.unref();
    try {
      port.sendRequest(req, target, {
        provisional: () => {},
        final: (response) => end({ kind: 'final', response }),
        timeout: () => end({ kind: 'timeout' }),
        transportError: (err) => end({ kind: 'transport', error: messageOf(err) }),
      });
    } catch (err) {
      end({ kind: 'transport', error: messageOf(err) });
    }
  });
}

/** `sip:<user>@<our host>:<port>` on the carrier side, for a Contact or a From. */
export function ourCarrierUri(port: CarrierRequestPort, protocol: SipTarget['protocol'], user: string): string {
  const t = protocol === 'udp' ? '' : `;transport=${protocol}`;
  return `sip:${user}@${formatHost(port.advertise)}:${port.routePort(protocol)}${t}`;
}
