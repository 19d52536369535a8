import { getHeader, hasToTag, InviteServerTransaction, type ServerTransaction, type SipRequest } from '../sip/index.js';
import { proxyAck, proxyInDialog } from './in-dialog.js';
import type { ProxyDeps } from './proxy-deps.js';
import { refuseExtensions } from './refuse-extensions.js';
import type { PortEvent, SipPort } from './sip-port.js';

export interface RouteRequestContext {
  side: 'access' | 'carrier';
  proxy: ProxyDeps;
  /** Where in-dialog requests arriving on this side go out. */
  other: SipPort;
  initialInvite(tx: InviteServerTransaction): void;
  register: ((tx: ServerTransaction) => void) | null;
}

/**
 * First dispatch of every request on one side: initial INVITE to the policy, REGISTER to the
 * registrar (access side only), OPTIONS outside a dialog answered here (PBX keep-alive pings),
 * everything else — and every ACK for a 2xx — through loose routing to the other side.
 */
export function routeRequest(e: PortEvent, ctx: RouteRequestContext): void {
  if (e.kind === 'ack') {
    proxyAck(ctx.proxy, e.request, ctx.other);
    return;
  }
  const tx = e.tx;
  const req = tx.request;
  const allow = ctx.register !== null ? ALLOW_ACCESS : ALLOW_CARRIER;
  const inDialog = hasToTag(req);
  const extensions = extensionHeader(req, inDialog, ctx.register !== null);
  if (extensions !== null && refuseExtensions(tx, req, extensions)) return;
  switch (req.method) {
    case 'INVITE':
      if (!inDialog && tx instanceof InviteServerTransaction) ctx.initialInvite(tx);
      else proxyInDialog(ctx.proxy, tx, req, ctx.other);
      return;
    case 'REGISTER':
      if (ctx.register !== null) ctx.register(tx);
      else tx.reply(405, 'Method Not Allowed', { headers: [{ name: 'allow', value: allow }] });
      return;
    case 'OPTIONS':
      if (!inDialog && getHeader(req, 'route') === null) {
        tx.reply(200, 'OK', {
          headers: [
            { name: 'allow', value: allow },
            { name: 'accept', value: 'application/sdp' },
          ],
        });
        return;
      }
      proxyInDialog(ctx.proxy, tx, req, ctx.other);
      return;
    default:
      if (!inDialog && getHeader(req, 'route') === null) answerOutOfDialog(tx, allow);
      else proxyInDialog(ctx.proxy, tx, req, ctx.other);
  }
}

/**
 * Which header's option tags must be understood before `req` is handled (see refuse-extensions.ts):
 * Require for what the gateway serves itself (REGISTER, an OPTIONS ping), Proxy-Require for what it
 * relays in a dialog. None for an initial INVITE (its handler checks once the trunk is known, so the
 * refusal is in the trunk's call log) nor for out-of-dialog requests refused by method, since
 * RFC 3261 §8.2 inspects the method (405/501/481) before the extensions.
 */
function extensionHeader(req: SipRequest, inDialog: boolean, registrar: boolean): 'require' | 'proxy-require' | null {
  const relayed = inDialog || getHeader(req, 'route') !== null;
  if (req.method === 'REGISTER') return registrar ? 'require' : null;
  if (req.method === 'OPTIONS' && !relayed) return 'require';
  if (req.method === 'INVITE' && !inDialog) return null;
  return relayed ? 'proxy-require' : null;
}

/** Methods that only make sense inside a dialog: outside one there is no call to apply them to. */
const DIALOG_METHODS = new Set(['BYE', 'UPDATE', 'INFO', 'PRACK', 'NOTIFY', 'REFER']);
/** Methods we know (RFC 3261 and its extensions) but do not serve outside a dialog. */
const KNOWN_METHODS = new Set(['SUBSCRIBE', 'MESSAGE', 'PUBLISH']);

/**
 * A request outside any dialog that is neither INVITE, REGISTER nor OPTIONS: RFC 3261 §8.2.1 asks
 * for 405 (with Allow) for a method we know but do not serve, 501 for one we do not know; a
 * dialog method without a dialog is 481 (§12.2.2).
 */
function answerOutOfDialog(tx: ServerTransaction, allow: string): void {
  const method = tx.request.method;
  if (DIALOG_METHODS.has(method)) tx.reply(481, 'Call/Transaction Does Not Exist');
  else if (KNOWN_METHODS.has(method))
    tx.reply(405, 'Method Not Allowed', { headers: [{ name: 'allow', value: allow }] });
  else tx.reply(501, 'Not Implemented', { headers: [{ name: 'allow', value: allow }] });
}

/**
 * What each side accepts (RFC 3261 §20.5: Allow lists the methods the server supports; a 405
 * must carry it, §21.4.6): the registrar is on the access side only, so a carrier-side 405 to
 * REGISTER must not invite the REGISTER again.
 */
const ALLOW_CARRIER = 'INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO, PRACK';
const ALLOW_ACCESS = `${ALLOW_CARRIER}, REGISTER`;
