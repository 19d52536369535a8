import type { SdpSession } from './types.js';

/** RTP/AVP static payload types (RFC 3551 §6, tables 4 and 5). */
export const STATIC_PAYLOAD_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '0': 'PCMU',
  '3': 'GSM',
  '4': 'G723',
  '5': 'DVI4',
  '6': 'DVI4',
  '7': 'LPC',
  '8': 'PCMA',
  '9': 'G722',
  '10': 'L16',
  '11': 'L16',
  '12': 'QCELP',
  '13': 'CN',
  '14': 'MPA',
  '15': 'G728',
  '16': 'DVI4',
  '17': 'DVI4',
  '18': 'G729',
  '25': 'CELB',
  '26': 'JPEG',
  '28': 'NV',
  '31': 'H261',
  '32': 'MPV',
  '33': 'MP2T',
  '34': 'H263',
});

/**
 * Encoding names (upper-case) offered in the media sections of `media` type (default audio) that
 * are not disabled (port 0, RFC 3264 §5.1). An rtpmap wins; without one a static payload type is
 * named from RFC 3551 (0 → PCMU, 8 → PCMA, 18 → G729); dynamic types without rtpmap are skipped.
 */
export function offeredCodecs(sdp: SdpSession, media = 'audio'): Set<string> {
  const out = new Set<string>();
  for (const m of sdp.media) {
    if (m.media !== media || m.port === 0) continue;
    for (const pt of m.formats) {
      const name = m.rtpmap.get(pt)?.encoding ?? STATIC_PAYLOAD_TYPES[pt];
      if (name !== undefined) out.add(name.toUpperCase());
    }
  }
  return out;
}
