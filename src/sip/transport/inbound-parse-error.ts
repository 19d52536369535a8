import { badRequestResponse, serializeMessage, SipParseError } from '../message/index.js';
import type { SipCounters } from '../sip-counters.js';
import { sipChannels } from '../sip-diagnostics.js';
import type { SipSource } from './transport.js';

/**
 * Shared handling of a message that failed to parse: count it, publish it, and return the bytes of
 * the `400 Bad Request` to send back when the codec salvaged enough of a request to address one
 * (RFC 3261 §8.2.6, §21.4.1), else null. Non-codec errors are rethrown: they are bugs.
 */
export function inboundParseError(err: unknown, source: SipSource, counters: SipCounters): Buffer | null {
  if (!(err instanceof SipParseError)) throw err;
  counters.parseErrors[source.protocol]++;
  const res = badRequestResponse(err);
  let data: Buffer | null = null;
  try {
    data = res === null ? null : serializeMessage(res);
  } catch {
    // Whatever the salvaged headers hold, one hostile datagram must never take the process down:
    // a 400 that cannot be written is not sent (silence is a valid answer to garbage).
    data = null;
  }
  if (sipChannels.parseError.hasSubscribers)
    sipChannels.parseError.publish({ error: err, source, answered: data !== null });
  return data;
}
