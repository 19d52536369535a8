/**
 * The SIP message model shared by the codec, the transports, the transactions and the gateway.
 *
 * Headers are kept as an ordered list of raw values; structured views (Via, name-addr, CSeq, URI)
 * are parsed on demand by the helpers in this folder. A proxy touches a handful of headers per
 * request, so parsing all of them eagerly would be wasted work on the per-call path.
 *
 * Header values, the Request-URI and the reason phrase are octet strings: one char per octet
 * (char codes 0–255, what `Buffer#toString('latin1')` gives), not decoded text. A proxy must pass
 * on unchanged what it does not rewrite (RFC 3261 §16.6), and a header may carry octets that are
 * not UTF-8; decoding would replace them. Use `octetsToText` where a human reads a value and
 * `textToOctets` to write text into one.
 *
 * @see RFC 3261 §7 (SIP messages), §20 (header fields), §25 (ABNF)
 */

export interface SipHeader {
  /** Canonical lower-case long form: compact `v` is stored as `via`, `i` as `call-id`. */
  name: string;
  /** The field value as octets (see above), surrounding whitespace trimmed, line folding replaced by one SP. */
  value: string;
}

interface SipMessageBase {
  /** `SIP/2.0` — the parser rejects any other version. */
  version: string;
  /**
   * In wire order. A header that arrived comma-separated (`Via: a, b`) stays one entry;
   * use `headerValues()` to get the individual values.
   */
  headers: SipHeader[];
  body: Buffer;
}

export interface SipRequest extends SipMessageBase {
  kind: 'request';
  method: string;
  /** Request-URI as it appeared on the start line. */
  uri: string;
}

export interface SipResponse extends SipMessageBase {
  kind: 'response';
  status: number;
  reason: string;
}

export type SipMessage = SipRequest | SipResponse;

export interface SipUri {
  scheme: 'sip' | 'sips' | 'tel' | string;
  user: string | null;
  password: string | null;
  host: string;
  port: number | null;
  /** URI parameters, lower-cased names; a parameter without value maps to `null`. */
  params: Map<string, string | null>;
  /** URI headers (`?a=b&c=d`), unescaped. */
  headers: Map<string, string>;
  /**
   * Added by the codec: for schemes other than sip/sips/tel, the scheme-specific part verbatim
   * (`user` is null and `host` empty for those), so `formatUri` can write it back.
   */
  opaque?: string;
}

export interface NameAddr {
  displayName: string | null;
  uri: string;
  /** Header parameters after the URI (`;tag=…`), lower-cased names. */
  params: Map<string, string | null>;
}

export interface Via {
  /** `UDP`, `TCP`, `TLS`, … upper-cased. */
  transport: string;
  host: string;
  port: number | null;
  branch: string | null;
  received: string | null;
  /** `rport` without a value is `null` here but present in `params`. */
  rport: number | null;
  params: Map<string, string | null>;
}

export interface CSeq {
  seq: number;
  method: string;
}
