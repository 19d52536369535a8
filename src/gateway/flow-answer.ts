import { ApiError } from '../api/errors.js';
import { destinationUri, type ParsedDestination } from '../api/validation/destination-uri.js';

/** At most this many destinations in one answer: a bound on what one webhook answer can make vsip ring. */
export const FLOW_MAX_DESTINATIONS = 10;

/** What the call-routing webhook told vsip to do with one call (docs/flow.md). */
export type FlowAnswer =
  | { action: 'dial'; destinations: ParsedDestination[]; parallel: boolean }
  | { action: 'reject'; code: number; reason: string }
  | { action: 'fallback' };

const KEYS: Record<string, readonly string[]> = {
  dial: ['action', 'destinations', 'strategy'],
  reject: ['action', 'code', 'reason'],
  fallback: ['action'],
};

/** A printable, bounded reason phrase: it goes into a SIP status line, so no control characters. */
const REASON = /^[\x20-\x7e]{1,100}$/;

/**
 * Reads a webhook answer strictly: an unknown action or key, a destination not in the destination-URI
 * format, or a code outside 400-699 is an error (the call then takes the fallback) rather than a
 * guess. Returns the answer, or a sentence naming what is wrong, for the call log.
 */
export function parseFlowAnswer(json: unknown): FlowAnswer | { error: string } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { error: 'the answer is not an object' };
  const o = json as Record<string, unknown>;
  const action = o.action;
  if (typeof action !== 'string' || !(action in KEYS)) {
    return { error: `action ${JSON.stringify(action ?? null)} is not dial, reject or fallback` };
  }
  const allowed = KEYS[action] as readonly string[];
  const extra = Object.keys(o).find((k) => !allowed.includes(k));
  if (extra !== undefined) return { error: `unknown key ${JSON.stringify(extra)} for action ${action}` };
  if (action === 'fallback') return { action };
  if (action === 'reject') {
    const code = o.code;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 400 || code > 699) {
      return { error: 'reject needs code, an integer from 400 to 699' };
    }
    const reason = o.reason ?? 'Rejected by call-routing webhook';
    if (typeof reason !== 'string' || !REASON.test(reason)) {
      return { error: 'reason must be 1-100 printable ASCII characters' };
    }
    return { action, code, reason };
  }
  const list = o.destinations;
  if (!Array.isArray(list) || list.length === 0 || list.length > FLOW_MAX_DESTINATIONS) {
    return { error: `dial needs destinations, a list of 1 to ${FLOW_MAX_DESTINATIONS} destination URIs` };
  }
  const strategy = o.strategy ?? 'sequential';
  if (strategy !== 'sequential' && strategy !== 'parallel') {
    return { error: 'strategy must be sequential or parallel' };
  }
  const destinations: ParsedDestination[] = [];
  for (const [i, d] of list.entries()) {
    if (typeof d !== 'string') return { error: `destinations[${i}] is not a string` };
    try {
      destinations.push(destinationUri(`destinations[${i}]`, d));
    } catch (err) {
      return { error: err instanceof ApiError ? err.description : `destinations[${i}] is invalid` };
    }
  }
  return { action: 'dial', destinations, parallel: strategy === 'parallel' };
}
