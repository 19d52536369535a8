import { randomBytes } from 'node:crypto';
import type { RoutingWebhook } from '../store/webhook-types.js';
import { webhookSignature } from '../webhooks/webhook-signature.js';
import { parseFlowAnswer, type FlowAnswer } from './flow-answer.js';

/** A webhook answer larger than this is not read on: a routing answer is a few hundred bytes. */
const MAX_ANSWER_BYTES = 16 * 1024;

/** What vsip tells the call-routing webhook about one inbound call. */
export interface FlowCallFacts {
  callId: string;
  accountSid: string;
  trunkSid: string;
  from: string | null;
  to: string;
  /** `udp:203.0.113.7:5060`: where the carrier sent the INVITE from. */
  source: string;
  carrier: string | null;
}

/** The webhook's answer, or why there is none (then the fallback applies); `note` is for the call log. */
export type FlowOutcome = { answer: FlowAnswer; note: string } | { answer: null; note: string };

export interface FlowRouterOptions {
  /** The account's (or trunk's) call-routing webhook, with its secret: a store read. */
  lookup(accountSid: string, trunkSid: string): Promise<RoutingWebhook | null>;
  /** Everything — look-up, connection, answer — within this; past it the fallback applies. */
  timeoutMs: number;
  /** More routing requests than this at once are not sent (fallback at once): a slow endpoint cannot pile them up. */
  maxInFlight?: number;
}

/**
 * Asks the call-routing webhook of a `mode: flow` number where its call goes. Signed like event
 * webhooks (`Vsip-Signature` over timestamp and body), one attempt, no redirects, a hard deadline and
 * a size cap on the answer: a slow, dead or hostile endpoint costs a call at most `timeoutMs` and
 * the gateway nothing, since each call waits on its own promise. `ask` never rejects.
 */
export class FlowRouter {
  #inFlight = 0;
  readonly #max: number;

  constructor(private readonly o: FlowRouterOptions) {
    this.#max = o.maxInFlight ?? 1000;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  async ask(f: FlowCallFacts): Promise<FlowOutcome> {
    if (this.#inFlight >= this.#max) {
      return { answer: null, note: `call-routing webhook not asked: ${this.#max} requests already waiting` };
    }
    this.#inFlight++;
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<FlowOutcome>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve({ answer: null, note: `call-routing webhook did not answer within ${this.o.timeoutMs} ms` });
      }, this.o.timeoutMs);
    });
    try {
      return await Promise.race([this.#request(f, abort.signal), deadline]);
    } catch (err) {
      return { answer: null, note: `call-routing webhook failed: ${describe(err)}` };
    } finally {
      clearTimeout(timer);
      abort.abort();
      this.#inFlight--;
    }
  }

  async #request(f: FlowCallFacts, signal: AbortSignal): Promise<FlowOutcome> {
    const hook = await this.o.lookup(f.accountSid, f.trunkSid);
    if (hook === null) return { answer: null, note: 'no call-routing webhook (a webhook with event call.route)' };
    const id = `rte_${randomBytes(12).toString('hex')}`;
    const body = JSON.stringify({
      id,
      type: 'call.route',
      created_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      account_sid: f.accountSid,
      trunk_sid: f.trunkSid,
      data: {
        call_id: f.callId,
        direction: 'origination',
        from: f.from,
        to: f.to,
        source: f.source,
        carrier: f.carrier,
      },
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        'user-agent': 'vsip-flow',
        'vsip-event-id': id,
        'vsip-timestamp': String(timestamp),
        'vsip-signature': webhookSignature(hook.secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal,
    });
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => {});
      return { answer: null, note: `call-routing webhook answered HTTP ${res.status}` };
    }
    const text = await readCapped(res, MAX_ANSWER_BYTES);
    if (text === null) return { answer: null, note: `call-routing webhook answer is over ${MAX_ANSWER_BYTES} bytes` };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return { answer: null, note: 'call-routing webhook answer is not JSON' };
    }
    const answer = parseFlowAnswer(json);
    if ('error' in answer) return { answer: null, note: `call-routing webhook answer is invalid: ${answer.error}` };
    return { answer, note: `call-routing webhook: ${summary(answer)}` };
  }
}

/** The body as text, or null once it passes `max` bytes (the rest is not read). */
async function readCapped(res: Response, max: number): Promise<string | null> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function summary(a: FlowAnswer): string {
  if (a.action === 'fallback') return "fallback to the trunk's destination URIs";
  if (a.action === 'reject') return `reject ${a.code} ${a.reason}`;
  const list = a.destinations.map((d) => d.destination).join(', ');
  return `dial ${a.parallel ? 'in parallel' : 'in order'} ${list}`;
}

/** A fetch failure's cause (refused, reset, DNS) in a few words: no URL, no secret. */
function describe(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return cause instanceof Error ? cause.message.slice(0, 200) : 'unknown error';
}
