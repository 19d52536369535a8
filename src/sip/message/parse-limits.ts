/**
 * Hard limits of the parser, checked before any buffer grows past them so that a peer cannot make
 * the process allocate without bound (the npm `sip` package cut TCP at 60 KB; we make it a knob).
 */
export interface ParseLimits {
  /** Whole message (start line + headers + body), octets. UDP cannot exceed 65,535 anyway. */
  maxMessageSize: number;
  /** Number of header fields (a folded field counts once). */
  maxHeaders: number;
  /** One header field, folding included, octets. */
  maxHeaderLineLength: number;
  /** The request or status line, octets. */
  maxStartLineLength: number;
  /** Body (Content-Length), octets. */
  maxBodySize: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = Object.freeze({
  maxMessageSize: 65_535,
  maxHeaders: 256,
  maxHeaderLineLength: 16_384,
  maxStartLineLength: 8_192,
  maxBodySize: 65_535,
});

/** Merges caller overrides into the defaults (a missing or non-positive value keeps the default). */
export function resolveLimits(limits?: Partial<ParseLimits>): ParseLimits {
  if (limits === undefined) return DEFAULT_PARSE_LIMITS;
  const out = { ...DEFAULT_PARSE_LIMITS };
  for (const key of Object.keys(out) as (keyof ParseLimits)[]) {
    const v = limits[key];
    if (typeof v === 'number' && Number.isFinite(v) && v > 0) out[key] = Math.floor(v);
  }
  return out;
}
