import type { CallCause } from './call-cause.js';

export interface CauseRow {
  /**
   * The SIP status a call with this cause ends with: the gateway's own answer for its refusals,
   * the usual relayed one for outcomes downstream decides; null when it is the downstream's own
   * code whatever it is (the code's row then explains the call).
   */
  readonly code: number | null;
  /** What happened, in the spec's words where the spec has a row for it. */
  readonly meaning: string;
  /** What the user does about it; `<trunk_sid>`-style placeholders are filled by `vsip explain`. */
  readonly fix: string;
}

/**
 * Every call-log cause with its SIP code, meaning and fix: the one table `vsip explain`, `vsip
 * doctor` and the cause table in docs/gateway.md are derived from. Keyed by the `CallCause`
 * union, so a new cause without a row does not compile. Wording from vsip-trunk-api.md "SIP
 * Response Codes & Troubleshooting" where it has a row.
 */
export const CAUSE_TABLE: Readonly<Record<CallCause, CauseRow>> = {
  completed: { code: 200, meaning: 'Call connected successfully', fix: 'Nothing to do' },
  ip_not_whitelisted: {
    code: 403,
    meaning:
      'The call came from an IP address that is not whitelisted on the trunk (at an account domain the answer ' +
      'is a 407 challenge, the same for every account)',
    fix:
      'Add your IP using Whitelist IP API: vsip ips add <trunk_sid> <your_pbx_public_ip> (if NAT, whitelist your ' +
      'external/public IP)',
  },
  caller_id_not_mapped: {
    code: 403,
    meaning: 'The caller ID (P-Asserted-Identity or From) is not a number mapped to the trunk',
    fix: 'Verify your caller ID is mapped: vsip numbers add <trunk_sid> <caller_id>',
  },
  invalid_number: {
    code: 404,
    meaning: 'The dialled number is not a valid E.164 number',
    fix: 'Use E.164 format (+919XXXXXXXXX)',
  },
  codec_not_supported: {
    code: 488,
    meaning: 'The SDP offer carried none of the supported codecs',
    fix: 'Check supported codecs: offer G.711 μ-law (PCMU), G.711 A-law (PCMA) or G.729',
  },
  max_forwards: {
    code: 483,
    meaning: 'Too many hops: Max-Forwards reached 0, usually a routing loop between your PBX and the trunk',
    fix: 'Check SIP headers format and your PBX routing: the call must not come back to the trunk',
  },
  auth_required: {
    code: 407,
    meaning: 'The gateway asked for digest credentials; a PBX normally retries with them at once',
    fix: 'If no retry follows: verify username/password from Get Credentials API: vsip credentials show <trunk_sid>',
  },
  auth_failed: {
    code: 407,
    meaning: 'Digest authentication failed: wrong username or password (403 once a source has failed too often)',
    fix: 'Verify username/password from Get Credentials API: vsip credentials show <trunk_sid>',
  },
  number_not_mapped: {
    code: 404,
    meaning: 'The dialled number is not mapped to any trunk, so the call has nowhere to go',
    fix: 'Map the number to the trunk: vsip numbers add <trunk_sid> <number>',
  },
  no_destination: {
    code: 480,
    meaning: 'No inbound calls: the trunk has no destination URI',
    fix: 'Add via Add Destination URI API: vsip destinations add <trunk_sid> "<your_server_ip>:5061;transport=tls"',
  },
  destination_failed: {
    code: 503,
    meaning: 'Every destination URI failed (refused, timed out or answered 5xx)',
    fix:
      'Check destination server: firewall allows inbound on 5060/5061, server is listening on correct port, TLS ' +
      'certificate valid',
  },
  cancelled: { code: 487, meaning: 'Call cancelled', fix: 'Caller hung up before answer' },
  busy: { code: 486, meaning: 'Destination is busy', fix: 'User is on another call' },
  no_answer: { code: 480, meaning: 'Destination busy/offline: nobody answered', fix: 'Retry later' },
  declined: { code: 603, meaning: 'Call rejected', fix: 'Destination rejected call' },
  not_found: { code: 404, meaning: "Number doesn't exist", fix: 'Verify destination number' },
  carrier_error: {
    code: 503,
    meaning:
      'Upstream error: the carrier could not be reached (503), or answered with a server error (relayed; ' +
      "a carrier's 503 reaches the PBX as 500, RFC 3261 §16.7)",
    fix: 'Check destination server; retry with backoff',
  },
  timeout: { code: 504, meaning: 'Destination not responding', fix: 'Check destination server' },
  bad_request: { code: 400, meaning: 'Malformed SIP message', fix: 'Check SIP headers format' },
  rejected: {
    code: null,
    meaning: 'Refused downstream with a code of its own',
    fix: 'See the row of the final SIP code: vsip explain <code>',
  },
  untrusted_source: {
    code: 403,
    meaning: 'An INVITE reached the carrier port from an address that is not the configured carrier',
    fix: 'Send PBX calls to the access port (5060/5061); only the carrier (--carrier) may use the carrier port',
  },
  unknown_domain: {
    code: 403,
    meaning: 'The Request-URI named a domain this gateway does not serve',
    fix: "Send calls to <account_sid>.pstn.exotel.com (the trunk's domain_name) or to the gateway's IP address",
  },
  expired: {
    code: 200,
    meaning:
      'The call was answered but no BYE passed through the gateway within the maximum call duration, so its record ' +
      'was closed',
    fix: 'Make sure BYEs follow the Record-Route set through the gateway (the PBX or carrier lost or bypassed it)',
  },
  overloaded: { code: 503, meaning: 'Server overloaded', fix: 'Retry with backoff' },
  trunk_cps_exceeded: {
    code: 503,
    meaning: "The trunk's calls-per-second limit was reached (max_calls_per_second, or the gateway default)",
    fix:
      'Spread call attempts over time, retry after the Retry-After, or raise max_calls_per_second with the Update ' +
      'Trunk API',
  },
  trunk_concurrency_exceeded: {
    code: 486,
    meaning: 'The trunk already carries its maximum of concurrent calls (max_concurrent_calls, or the gateway default)',
    fix: 'Wait for calls to end, or raise max_concurrent_calls with the Update Trunk API',
  },
  unsupported_extension: {
    code: 420,
    meaning:
      'The INVITE demanded (Proxy-Require) a SIP extension the gateway does not implement; the Unsupported header of ' +
      'the 420 names it',
    fix: 'Check SIP headers format: remove that option tag from Proxy-Require in your PBX configuration',
  },
  account_suspended: {
    code: 403,
    meaning: "The trunk's account is suspended by the operator of this service",
    fix: 'Ask the operator to resume the account (POST /v2/operator/accounts/<account_sid>/resume)',
  },
  no_route: {
    code: 404,
    meaning: 'No carrier route matches the dialled number (no prefix of it, and no default route)',
    fix: "Add a carrier route for the number's prefix, or a default route (empty prefix), in the operator API",
  },
  all_carriers_failed: {
    code: 503,
    meaning:
      "Every carrier of the dialled number's route failed (unreachable, timed out, 408 or 5xx; URIs probed down " +
      'are skipped)',
    fix: 'Check the carriers: vsip doctor --carrier <sip-uri> (DNS, reachability, TLS, OPTIONS, registration)',
  },
  carrier_auth_failed: {
    code: 503,
    meaning:
      'A carrier challenged the call (401/407) and vsip had no credentials for it, or the carrier challenged the ' +
      'answer again (wrong username, password or realm)',
    fix: "Check the carrier's digest credentials: vsip doctor --carrier <sip-uri> runs a test challenge",
  },
  unknown_carrier: {
    code: 403,
    meaning: "A call reached the carrier port from an address that is no carrier's source address or registration",
    fix: "Add the address to the carrier's source addresses (IPs/CIDRs), or have the carrier register first",
  },
  registration_disabled: {
    code: 403,
    meaning: 'A PBX REGISTERed with the right credentials, but registration is not enabled on the trunk',
    fix: 'Enable it with the Update Trunk API (registration_enabled: true), or stop the PBX registering',
  },
  media_unavailable: {
    code: 503,
    meaning: 'The media engine (rtpengine) did not answer or refused the SDP, so the call could not get audio',
    fix: 'Retry; if it persists the operator checks rtpengine (vsip doctor, GET /health media)',
  },
  no_media: {
    code: 200,
    meaning: 'The call was answered but no RTP arrived from either side (no audio both ways)',
    fix:
      'Open UDP 10000-20000 toward the gateway for RTP, disable SIP ALG on your router, and check that your PBX ' +
      'sends RTP to the address in the SDP it received',
  },
  one_way_audio: {
    code: 200,
    meaning: 'The call was answered but RTP arrived from one side only (one-way audio)',
    fix:
      'The call record shows which side sent 0 packets: if the PBX, open UDP 10000-20000 toward the gateway and ' +
      'disable SIP ALG (behind NAT, let the PBX send first); if the carrier, report the call to the operator',
  },
  media_timeout: {
    code: 200,
    meaning: 'The call was answered, then no RTP arrived for the media timeout, so the gateway hung up both legs',
    fix: 'Check the network between your PBX and the gateway (UDP 10000-20000); do not hold calls without RTP',
  },
  tls_required: {
    code: 403,
    meaning: 'The trunk has secure_trunking on, and the call did not come over TLS',
    fix: 'Send calls over TLS to port 5061 (transport=tls), or turn secure_trunking off',
  },
  srtp_required: {
    code: 488,
    meaning: 'The trunk has secure_trunking on, and the INVITE offered no SRTP (RTP/SAVP with a=crypto, SDES)',
    fix: 'Enable SRTP with SDES key exchange (RFC 4568) in your PBX for this trunk',
  },
  carrier_limit_exceeded: {
    code: 503,
    meaning: "Every carrier of the dialled number's route is at its max calls per second or max concurrent calls",
    fix:
      "Raise the carriers' max_calls_per_second / max_concurrent_calls (operator API), or add a carrier to the " +
      'route',
  },
  no_common_codec: {
    code: 488,
    meaning:
      "No carrier of the dialled number's route takes a codec of the offer (the trunk's codecs that the carrier " +
      'is configured for)',
    fix: 'Offer a codec the carriers take (PCMU, PCMA or G729, as the operator set them), or ask the operator',
  },
  flow_rejected: {
    code: null,
    meaning: "The number is in mode flow and the account's call-routing webhook answered reject with this code",
    fix: 'Nothing to do if intended; else check what your call-routing webhook answers for this number',
  },
  flow_failed: {
    code: 480,
    meaning:
      'The number is in mode flow and the call-routing webhook was missing, too slow or answered invalid JSON (the ' +
      "call's flow_note says which), and the gateway's flow fallback is reject",
    fix:
      'Create a webhook with event call.route (vsip webhooks create <url> --events call.route), make it answer ' +
      'within the flow timeout with a valid answer (docs/flow.md), or set the number to mode pstn',
  },
};
