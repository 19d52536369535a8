/**
 * The SIP message codec (RFC 3261 §7, §20, §25): pure functions, no sockets, timers or logging.
 *
 * Receive: `parseMessage` (UDP datagram) or `SipStreamParser` (TCP/TLS), then `validateMessage`
 * (mandatory headers) before a transaction sees the message. On `SipParseError`, answer
 * `badRequestResponse(err)` when it is not null. Send: `serializeMessage`.
 */
export type { CSeq, NameAddr, SipHeader, SipMessage, SipRequest, SipResponse, SipUri, Via } from './types.js';
export { SipParseError, SIP_PARSE_ERROR_CODES } from './sip-parse-error.js';
export type { ParsePartial, SipParseErrorCode } from './sip-parse-error.js';
export { DEFAULT_PARSE_LIMITS, resolveLimits } from './parse-limits.js';
export type { ParseLimits } from './parse-limits.js';
export { parseMessage } from './parse-message.js';
export { SipStreamParser } from './sip-stream-parser.js';
export type { StreamItem } from './sip-stream-parser.js';
export { serializeMessage } from './serialize-message.js';
export { octetsToText } from './octets-to-text.js';
export { textToOctets } from './text-to-octets.js';
export { validateMessage } from './validate-message.js';
export { badRequestResponse } from './bad-request-response.js';
export { createResponse } from './create-response.js';
export type { CreateResponseOptions } from './create-response.js';
export { reasonPhrase } from './reason-phrase.js';
export { normalizeHeaderName, wireHeaderName, LIST_HEADERS, SINGLE_HEADERS } from './header-name.js';
export { getHeader } from './get-header.js';
export { getHeaderValues } from './get-header-values.js';
export { hasToTag } from './has-to-tag.js';
export { nameAddrTag } from './name-addr-tag.js';
export { setHeader } from './set-header.js';
export { addHeader } from './add-header.js';
export { prependHeader } from './prepend-header.js';
export { removeHeader } from './remove-header.js';
export { removeFirstValue } from './remove-first-value.js';
export { splitHeaderValues } from './split-header-list.js';
export { ownString } from './own-string.js';
export { parseUri } from './parse-uri.js';
export { formatUri } from './format-uri.js';
export { formatHost } from './format-host.js';
export { parseNameAddr } from './parse-name-addr.js';
export { formatNameAddr } from './format-name-addr.js';
export { parseVia } from './parse-via.js';
export { formatVia } from './format-via.js';
export { parseCSeq } from './parse-cseq.js';
export { parseContentLength } from './parse-content-length.js';
export { parseSdp, offeredCodecs, STATIC_PAYLOAD_TYPES } from '../sdp/index.js';
export type { SdpConnection, SdpMedia, SdpRtpmap, SdpSession } from '../sdp/index.js';
