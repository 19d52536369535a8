/**
 * Machine-readable causes written to the call log and the `cause` metric label. Stable strings:
 * the API returns them and users grep for them, so an entry is never renamed or reused.
 */
export const CALL_CAUSES = [
  'completed',
  'ip_not_whitelisted',
  'caller_id_not_mapped',
  'invalid_number',
  'codec_not_supported',
  'max_forwards',
  'auth_required',
  'auth_failed',
  'number_not_mapped',
  'no_destination',
  'destination_failed',
  'cancelled',
  'busy',
  'no_answer',
  'declined',
  'not_found',
  'carrier_error',
  'timeout',
  'bad_request',
  'rejected',
  'untrusted_source',
  /** 403: the Request-URI host is neither an account domain, the SIP domain, our address nor an IP literal. */
  'unknown_domain',
  /** Answered, but no BYE passed through us within the maximum call duration (PBX or carrier lost it). */
  'expired',
  /**
   * 503 + Retry-After from overload control (calls high-water mark or event-loop lag); metrics only, not the call log.
   */
  'overloaded',
  /** 503 + Retry-After 1: the trunk's max_calls_per_second (or the gateway default) was reached. */
  'trunk_cps_exceeded',
  /** 486: the trunk's max_concurrent_calls (or the gateway default) were in progress. */
  'trunk_concurrency_exceeded',
  /** 420: the INVITE's Proxy-Require named an extension the gateway does not implement. */
  'unsupported_extension',
  /** 403: the trunk's account is suspended by the operator (operator API). */
  'account_suspended',
  /** 404: no carrier route's prefix matches the dialled number (and there is no default route ''). */
  'no_route',
  /** 503: every carrier of the route failed over (timeouts, transport errors, 408, 5xx). */
  'all_carriers_failed',
  /** 503: a carrier challenged and vsip had no credentials for it, or it challenged their answer again. */
  'carrier_auth_failed',
  /** 403: a call on the carrier side from an address that is no carrier's source and no registration. */
  'unknown_carrier',
  /** 403 to a REGISTER with the right digest on a trunk whose registration_enabled is false; logged, not a call. */
  'registration_disabled',
  /** 503: rtpengine did not answer (or refused) the offer or answer of the call. */
  'media_unavailable',
  /** Answered, and rtpengine received RTP from neither the PBX nor the carrier. */
  'no_media',
  /** Answered, and rtpengine received RTP from one party only. */
  'one_way_audio',
  /** Answered, then no RTP for --media-timeout: the gateway hung up both legs with BYE. */
  'media_timeout',
  /** 403: a secure_trunking trunk's call did not come over TLS. */
  'tls_required',
  /** 488: a secure_trunking trunk's call offered no SDES SRTP (RFC 4568). */
  'srtp_required',
  /** 503: every carrier of the route is at its max calls/s or max concurrent calls. */
  'carrier_limit_exceeded',
  /** 488: no carrier of the route takes a codec of the offer (the trunk's codecs ∩ the carrier's). */
  'no_common_codec',
  /** A `mode: flow` number's call-routing webhook answered `reject` with this call's code. */
  'flow_rejected',
  /** 480: a `mode: flow` number's call-routing webhook was missing, slow or invalid, and --flow-fallback is reject. */
  'flow_failed',
] as const;

export type CallCause = (typeof CALL_CAUSES)[number];

/** The cause for a final response relayed from downstream (carrier or PBX). */
export function causeForStatus(status: number): CallCause {
  if (status >= 200 && status < 300) return 'completed';
  switch (status) {
    case 486:
    case 600:
      return 'busy';
    case 480:
      return 'no_answer';
    case 603:
      return 'declined';
    case 404:
    case 604:
      return 'not_found';
    case 487:
      return 'cancelled';
    case 488:
    case 606:
      return 'codec_not_supported';
    case 408:
    case 504:
      return 'timeout';
    default:
      return status >= 500 ? 'carrier_error' : 'rejected';
  }
}
