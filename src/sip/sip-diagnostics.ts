import diagnosticsChannel from 'node:diagnostics_channel';

/**
 * diagnostics_channel channels of the SIP core. Publishers check `hasSubscribers` first, so an
 * unobserved node pays one property read per event. Subscribe with
 * `diagnostics_channel.subscribe('vsip:sip:transaction:created', fn)`.
 *
 * Payloads (plain objects; messages are the parsed `SipMessage`, never raw credentials logged here):
 * - `vsip:sip:transport:message-in`    `{ message, source }`
 * - `vsip:sip:transport:message-out`   `{ data: Buffer, target }`
 * - `vsip:sip:transport:parse-error`   `{ error: SipParseError, source, answered: boolean }`
 * - `vsip:sip:transport:connection` `{ event: 'open'|'close'|'idle-timeout'|'message-timeout'|'rejected', protocol,
 * connectionId, remote }`
 * - `vsip:sip:transport:error`         `{ error, protocol, target? }`
 * - `vsip:sip:transaction:created`     `{ transaction }`
 * - `vsip:sip:transaction:state`       `{ transaction, from, to }`
 * - `vsip:sip:transaction:timeout`     `{ transaction, timer: 'B'|'F'|'H' }`
 * - `vsip:sip:transaction:retransmit`  `{ transaction, timer: 'A'|'E'|'G'|'request' }`
 * - `vsip:sip:transaction:terminated`  `{ transaction }`
 * - `vsip:sip:core:handler-error`      `{ error, request }` — the onRequest handler threw (answered 500)
 */
export const sipChannels = {
  messageIn: diagnosticsChannel.channel('vsip:sip:transport:message-in'),
  messageOut: diagnosticsChannel.channel('vsip:sip:transport:message-out'),
  parseError: diagnosticsChannel.channel('vsip:sip:transport:parse-error'),
  connection: diagnosticsChannel.channel('vsip:sip:transport:connection'),
  transportError: diagnosticsChannel.channel('vsip:sip:transport:error'),
  transactionCreated: diagnosticsChannel.channel('vsip:sip:transaction:created'),
  transactionState: diagnosticsChannel.channel('vsip:sip:transaction:state'),
  transactionTimeout: diagnosticsChannel.channel('vsip:sip:transaction:timeout'),
  transactionRetransmit: diagnosticsChannel.channel('vsip:sip:transaction:retransmit'),
  transactionTerminated: diagnosticsChannel.channel('vsip:sip:transaction:terminated'),
  handlerError: diagnosticsChannel.channel('vsip:sip:core:handler-error'),
} as const;
