import {
  generateBranch,
  getHeader,
  getHeaderValues,
  InviteServerTransaction,
  targetOfUriString,
  type ClientTransaction,
  type ClientTransactionUser,
  type InviteClientTransaction,
  type InviteServerTransactionUser,
  type ServerTransaction,
  type SipRequest,
  type SipResponse,
  type SipTarget,
} from '../sip/index.js';
import { noteCseq } from './answered-dialog.js';
import type { ProxyDeps } from './proxy-deps.js';
import { dialogMediaOf, mediaAck, mediaRequest, mediaResponse, type DialogMedia } from './in-dialog-media.js';
import type { SipPort } from './sip-port.js';
import { forwardRequest, stripTopVia, uriOfNameAddr } from './sip-routing.js';
import { cseqOffsetOfRoute, shiftCSeq } from './cseq-offset.js';

/** Where a request that carries our Route goes next, and how many leading Route values are ours. */
interface NextHop {
  target: SipTarget;
  popRoutes: number;
  /** The carrier leg's CSeq offset our routes name (see cseq-offset.ts), 0 if none. */
  cseqOffset: number;
}

/**
 * Loose routing (RFC 3261 §16.4, §16.12): pop the Route values we wrote (their `vc` tag must match
 * the Call-ID), then send to the next Route if any, else to the Request-URI.
 * Returns null when the request is not routed through us (no Route of ours, or a forged one).
 */
function nextHop(deps: ProxyDeps, req: SipRequest): NextHop | null {
  const callId = getHeader(req, 'call-id') ?? '';
  const routes = getHeaderValues(req, 'route');
  let pop = 0;
  let cseqOffset = 0;
  while (pop < routes.length) {
    const ours = deps.signer.isOurs(routes[pop] as string, callId);
    if (ours === null) return null;
    if (!ours) break;
    cseqOffset += cseqOffsetOfRoute(routes[pop] as string);
    pop++;
  }
  if (pop === 0) return null;
  const nextRoute = routes[pop];
  const uri = nextRoute !== undefined ? uriOfNameAddr(nextRoute) : req.uri;
  const target = uri === null ? null : targetOfUriString(uri);
  return target === null ? null : { target, popRoutes: pop, cseqOffset };
}

/**
 * A request inside a dialog we record-routed (BYE, re-INVITE, UPDATE, INFO, …): forwarded
 * statefully to the other side, its responses relayed. A BYE closes the call record.
 */
export function proxyInDialog(deps: ProxyDeps, tx: ServerTransaction, req: SipRequest, out: SipPort): void {
  const hop = nextHop(deps, req);
  if (hop === null) {
    tx.reply(
      req.method === 'BYE' ? 481 : 403,
      req.method === 'BYE' ? 'Call/Transaction Does Not Exist' : 'Forbidden (not routed through this gateway)',
    );
    return;
  }
  const mf = getHeader(req, 'max-forwards');
  if (mf !== null && Number.parseInt(mf, 10) <= 0) {
    tx.reply(483, 'Too Many Hops');
    return;
  }
  if (req.method === 'BYE') {
    const callId = getHeader(req, 'call-id') ?? '';
    if (!deps.dialogs.end(callId, 200, 'completed')) deps.onForeignBye?.(callId);
  }
  const held = deps.dialogs.get(getHeader(req, 'call-id') ?? '')?.dialog;
  if (held !== undefined) noteCseq(held, req);
  // Only the caller's requests toward the carrier move: the carrier's own CSeq space is its own.
  const shift = out.side === 'carrier' ? hop.cseqOffset : 0;
  const fwd = shiftCSeq(forwardRequest(req, { requestUri: req.uri, popRoutes: hop.popRoutes }), shift);
  const media = req.method === 'BYE' ? null : dialogMediaOf(deps, req);
  const relay = new InDialogRelay(tx, out, shift, media);
  if (tx instanceof InviteServerTransaction) tx.user = relay; // a re-INVITE can be CANCELled
  const send = (r: SipRequest): void => {
    try {
      relay.client = out.sendRequest(r, hop.target, relay);
    } catch {
      relay.transportError();
    }
  };
  if (media === null) send(fwd);
  else mediaRequest(media, fwd, send, (code, reason) => tx.reply(code, reason));
}

/**
 * The owner of one forwarded in-dialog request: its responses go upstream without our Via,
 * except that a 100 stays hop by hop (§16.7 step 5) and a 503 becomes 500 (§16.7 step 6: a 503
 * would tell the caller this proxy is unavailable). No answer is 408 (§16.7 step 6, Timer F);
 * a transport failure counts as a 503 (§16.9) and so is answered 500 too.
 */
class InDialogRelay implements ClientTransactionUser, InviteServerTransactionUser {
  client: ClientTransaction | null = null;
  #heard = false;
  /** 0: no CANCEL; 1: the caller CANCELled before any provisional (§9.1: held until one); 2: sent. */
  #cancel = 0;

  constructor(
    private readonly tx: ServerTransaction,
    private readonly out: SipPort,
    private readonly cseqShift: number,
    /** The dialog's rtpengine session when its SDP is anchored (hold, resume, codec change go through it). */
    private readonly media: DialogMedia | null = null,
  ) {}

  /** A CANCEL for a relayed re-INVITE goes on like one for an initial INVITE (§16.10). */
  cancel(): void {
    if (this.#cancel !== 0) return;
    this.#cancel = 1;
    if (this.#heard) this.sendCancel();
  }

  private sendCancel(): void {
    this.#cancel = 2;
    try {
      if (this.client !== null) this.out.cancel(this.client as InviteClientTransaction);
    } catch {
      /* the re-INVITE transaction ends by its own timer */
    }
  }

  provisional(res: SipResponse): void {
    this.#heard = true;
    if (this.#cancel === 1) this.sendCancel();
    if (res.status <= 100) return;
    this.relayUp(res);
  }

  final(res: SipResponse): void {
    if (res.status === 503) this.tx.reply(500, 'Server Internal Error (next hop unavailable)');
    else this.relayUp(res);
  }

  private relayUp(res: SipResponse): void {
    const up = (r: SipResponse) => this.tx.respond(shiftCSeq(stripTopVia(r), -this.cseqShift));
    if (this.media !== null) mediaResponse(this.media, res, up);
    else up(res);
  }

  timeout(): void {
    this.tx.reply(408, 'Request Timeout (next hop did not answer)');
  }

  transportError(): void {
    this.tx.reply(500, 'Server Internal Error (next hop unreachable)');
  }
}

/** ACK for a 2xx: forwarded statelessly with a Via of our own (RFC 3261 §16.6, §16.7 step 10). */
export function proxyAck(deps: ProxyDeps, req: SipRequest, out: SipPort): void {
  const hop = nextHop(deps, req);
  if (hop === null) return; // not ours: an ACK gets no response, drop it (§17.2.3)
  const via = `${out.viaSentBy(hop.target)};branch=${generateBranch()}`;
  const shift = out.side === 'carrier' ? hop.cseqOffset : 0;
  const fwd = shiftCSeq(forwardRequest(req, { requestUri: req.uri, via, popRoutes: hop.popRoutes }), shift);
  const send = (r: SipRequest): void => {
    try {
      out.sendStateless(r, hop.target);
    } catch {
      /* an ACK lost here is retransmitted by the UAC when the 2xx is */
    }
  };
  mediaAck(deps, fwd, send);
}
