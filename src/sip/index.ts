/**
 * vsip SIP library — public surface. Nothing here imports the API, the store or the gateway, reads
 * `process.env` or logs: events go to `node:diagnostics_channel` and counters to a plain object.
 *
 * ## Endpoint (transport + transaction layers, RFC 3261 §17–18)
 *
 *   const ep = await createSipEndpoint({
 *     listen: [{ protocol: 'udp', host: '127.0.0.1', port: 5060 }, { protocol: 'tls', host: '0.0.0.0', port: 5061 }],
 *     tls: { certFile, keyFile } | { selfSignedDir: dataDir },   // self-signed: made once with the `openssl` CLI
 *          // + { caFile?, rejectUnauthorized? } for outbound TLS (peer certificates are verified by default)
 *     clientProtocols: ['tcp', 'tls'],   // outbound-only transports where no listener exists
 *     timers: { t1: 500, t2: 4000, t4: 5000, timerD: 32000, tryingDelay: 200, timerC: 300_000 },
 *     idleTimeoutMs: 300_000, limits: { maxMessageSize: 65535 }, advertisedHost: 'sip.example.com',
 *   });
 *   ep.addresses()                      // [{ protocol, address, port }] with real ports when 0 was asked
 *
 * Inbound:
 *   ep.onRequest((tx) => { ... })       // tx: ServerTransaction (INVITE or non-INVITE), one per new request
 *       tx.request, tx.source {protocol,address,port,connectionId?,local}, tx.method, tx.state
 *         (tx.request is released once a final response is sent — Accepted, Completed — and then
 *         throws: keep what you need from it before answering; `tx.holdsRequest` tells)
 *       tx.reply(status, reason?, { headers, body, contentType }) → boolean  (To tag added for you)
 *       tx.respond(response: SipResponse) → boolean   (send a response you built, e.g. a forwarded one)
 *       tx.toTag                          // the To tag used on this transaction's responses
 *       INVITE tx: set tx.user = { cancel(cancelRequest), transportError(err) } (its typed owner):
 *         cancel — a CANCEL matched it (§9.2) and was answered 200 already; a UAS now replies 487,
 *         a proxy CANCELs its branches. Events: 'ack'(ack) — ACK for 2xx carrying the INVITE's
 *         branch. 'timeout'('H') — no ACK for a non-2xx. 'terminated'. tx.cancelled is true once cancelled.
 *         UAS only: set tx.retransmit2xx = true before the 2xx and it is re-sent (UDP) until the ACK
 *         for it arrives (matched by Call-ID + CSeq, §13.3.1.4) → 'ack'; none within 64·T1 → 'timeout'('L').
 *       Non-INVITE tx: 'timeout'('guard') if the core never answers within 128·T1 (leak guard).
 *       100 Trying is sent `tryingDelay` ms after the handler returns if no response was sent yet.
 *       A handler that throws gets a 500 sent for it (event `vsip:sip:core:handler-error`).
 *       Retransmitted requests are absorbed (last response re-sent); CANCEL without a matching
 *       INVITE transaction is answered 481 and never reaches onRequest.
 *   ep.onAck((ack, source, inviteTx|null) => { ... })   // ACK for 2xx (its own branch) — never absorbed
 *   ep.onResponse((res, source) => { ... })             // responses matching no client transaction
 *
 * Outbound:
 *   const ctx = ep.sendRequest(req, { protocol: 'tls', address: '10.0.0.5', port: 5061 }, user)
 *       prepends our Via (`z9hG4bK` + 96 random bits, `;rport`), starts a client transaction that
 *       reports to `user` (ClientTransactionUser; swap `ctx.user` to hand the call over):
 *       provisional(res), final(res, isRetransmission) — for INVITE, 2xx retransmissions
 *       arriving in the RFC 6026 Accepted state come again with isRetransmission=true;
 *       timeout('B'|'F'|'C'), transportError(err) (connect refused, TLS failure, or the TCP/TLS
 *       connection lost before the final response: reset, closed, a TLS alert). Event: 'terminated'.
 *       'C' is a backstop for an INVITE that rings forever (reset by each provisional, default 300 s).
 *       The ACK for a non-2xx is sent by the transaction; the ACK for a 2xx is yours (sendStateless).
 *       After the final response the transaction releases its request (ctx.request then throws), and
 *       in Completed it lets go of your user too: it has nothing more to tell you but 'terminated'.
 *   ep.cancel(inviteClientTx, extraHeaders?, user?) → ClientTransaction   // CANCEL with the INVITE's branch (§9.1)
 *   ep.sendStateless(msg, target)                   // as-is, no Via added (ACK for 2xx, stateless forwarding)
 *   ep.viaSentBy(target)                            // `SIP/2.0/TLS host:port` for a Via you build yourself
 *   ep.transportFor(target)                         // which local transport would carry it
 *   ep.counters                                     // SipCounters, read by the Prometheus exporter
 *   await ep.close()
 *
 * Targets: `{ protocol: 'udp'|'tcp'|'tls', address, port, connectionId? }`. TCP/TLS connections are
 * reused by remote address:port (and by connectionId for responses); idle ones close after idleTimeoutMs;
 * a CRLFCRLF keep-alive gets a CRLF pong (RFC 5626 §4.4.1). UDP responses follow received/rport
 * (RFC 3581); requests arriving get `received`/`rport` stamped in their top Via (§18.2.1).
 *
 * Not here (gateway's job): Timer C and forking for proxies, dialogs, Record-Route handling, DNS
 * (targets are IP addresses), UDP→TCP switch for large requests (§18.1.1), maddr/multicast.
 *
 * ## Digest (pure functions, RFC 3261 §22, RFC 7616, RFC 8760)
 *   buildChallenge({ realm, algorithm: 'MD5'|'SHA-256', secret, now, stale?, opaque?, qop? }) → header value
 *   parseAuthorization(value) → DigestCredentials | null
 *   verifyDigest({ authorization, method, password, realm, secret, now, nonceTtlSeconds, nonceCounts? })
 * → { ok: true, username } | { ok: false, reason:
 * 'bad_password'|'stale'|'bad_nonce'|'replay'|'malformed'|'realm'|'unsupported_algorithm', username? }
 *       `stale` means: answer a new challenge with stale: true. `nonceCounts` = new NonceCountCache(max).
 *   answerChallenge({ challenge, method, uri, username, password, cnonce?, nc? }) → Authorization value
 *
 * ## Observability
 *   `sipChannels` (diagnostics_channel, names `vsip:sip:transport:*`, `vsip:sip:transaction:*`,
 *   `vsip:sip:core:handler-error`; payloads listed in sip-diagnostics.ts) and `SipCounters`.
 *
 * ## Codec
 *   Re-exported from `./message/index.js` (parseMessage, SipStreamParser, serializeMessage, header
 *   helpers, createResponse, SipParseError …).
 *   getHeader(msg, name) → first value or null (any spelling: `Call-ID`, `i`, `call-id`);
 *   hasToTag(msg) / nameAddrTag(value): the To/From tag, header parameters only (RFC 3261 §19.3).
 *   formatHost(host): an IPv6 address in brackets for a URI, Via or Warning (§25.1).
 *   generateBranch() / randomToken(): a z9hG4bK branch (§8.1.1.7) / a tag or Call-ID part.
 *
 * ## Targets
 *   targetOfUri(uri) / targetOfUriString(text) → SipTarget: RFC 3263 §4.1–4.2 without DNS
 *   (sips or transport=tls → TLS on 5061, transport=tcp → TCP, else UDP; 5060 by default).
 */
export * from './message/index.js';
export type * from './message/types.js';
export * from './auth/index.js';
export * from './transaction/index.js';
export {
  createSipEndpoint,
  SipEndpoint,
  type SipEndpointOptions,
  type ListenAddress,
  type TlsOptions,
  type RequestHandler,
  type AckHandler,
  type ResponseHandler,
  type InitialRequestHook,
} from './sip-endpoint.js';
export { statelessResponse } from './stateless-response.js';
export type {
  SipTransport,
  SipProtocol,
  SipAddress,
  SipTarget,
  SipSource,
  InboundMessage,
} from './transport/transport.js';
export { UdpTransport } from './transport/udp.js';
export { STEERING_KEY_BYTES, workerOwnPort, type UdpSteering } from './transport/udp-steering.js';
export { TcpTransport } from './transport/tcp.js';
export { TlsTransport, type TlsTransportOptions } from './transport/tls.js';
export { targetOfUri, targetOfUriString } from './transport/target-of-uri.js';
export { selfSignedCertificate } from './transport/self-signed-certificate.js';
export { createSipCounters, type SipCounters } from './sip-counters.js';
export { sipChannels } from './sip-diagnostics.js';
export { stampVia, responseTarget } from './via-stamp.js';
