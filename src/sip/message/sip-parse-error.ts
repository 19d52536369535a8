import type { SipHeader } from './types.js';

/**
 * Stable codes of {@link SipParseError}. Never reuse a retired code: callers (metrics, tests,
 * logs) key on them.
 */
export const SIP_PARSE_ERROR_CODES = [
  'empty_message', // only CRLFs (a keep-alive), nothing to parse
  'incomplete', // datagram without the empty line that ends the header section
  'bad_start_line',
  'bad_version',
  'bad_status',
  'bad_request_uri',
  'bad_header', // header line without colon, non-token name, bad line ending, stray NUL
  'missing_header',
  'duplicate_header', // a single-value header repeated or given several values (RFC 4475 §3.3.8, §3.3.9)
  'bad_content_length',
  'content_length_mismatch', // Content-Length larger than the datagram (RFC 4475 §3.1.2.2)
  'too_large',
  'too_many_headers',
  'line_too_long',
  'bad_cseq',
  'cseq_method_mismatch',
  'bad_max_forwards',
  'bad_call_id',
  'bad_via',
  'bad_uri',
  'bad_name_addr',
  'unterminated_quote',
  'bad_sdp',
] as const;

export type SipParseErrorCode = (typeof SIP_PARSE_ERROR_CODES)[number];

/**
 * What could be salvaged from a message that failed to parse: enough, when it was a request, to
 * build the `400 Bad Request` of RFC 3261 §8.2.6 (Via, From, To, Call-ID, CSeq are copied).
 */
export interface ParsePartial {
  kind: 'request' | 'response' | null;
  method: string | null;
  /** Raw Via/From/To/Call-ID/CSeq headers, canonical lower-case names, in wire order. */
  headers: SipHeader[];
}

/** The one error the codec throws. `message` says what was wrong, in a few words. */
export class SipParseError extends Error {
  readonly code: SipParseErrorCode;
  partial: ParsePartial | null;

  constructor(code: SipParseErrorCode, message: string, partial: ParsePartial | null = null) {
    super(message);
    this.name = 'SipParseError';
    this.code = code;
    this.partial = partial;
  }
}
