/** The fixed RTP header fields (RFC 3550 §5.1). */
export interface RtpHeader {
  payloadType: number;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit media timestamp (8 kHz clock for G.711). */
  timestamp: number;
  ssrc: number;
  marker: boolean;
}

/** A received RTP packet: its header and payload (CSRCs, extension and padding stripped). */
export interface RtpPacket extends RtpHeader {
  payload: Buffer;
}

/** Serialises a version-2 RTP packet with no CSRC, extension or padding (RFC 3550 §5.1). */
export function encodeRtp(h: RtpHeader, payload: Buffer): Buffer {
  const b = Buffer.allocUnsafe(12 + payload.length);
  b[0] = 0x80;
  b[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  b.writeUInt16BE(h.sequence & 0xffff, 2);
  b.writeUInt32BE(h.timestamp >>> 0, 4);
  b.writeUInt32BE(h.ssrc >>> 0, 8);
  payload.copy(b, 12);
  return b;
}

/**
 * True for RTCP multiplexed on the RTP port: its packet types 192–223 land where RTP would have
 * the marker bit and payload types 64–95, which RTP must not use for that reason (RFC 5761 §4).
 */
export function isRtcp(b: Buffer): boolean {
  return b.length >= 2 && (b[0] as number) >> 6 === 2 && (b[1] as number) >= 192 && (b[1] as number) <= 223;
}

/** Parses an RTP packet; null for anything that is not well-formed version-2 RTP (§5.1, §5.3.1). */
export function decodeRtp(b: Buffer): RtpPacket | null {
  if (b.length < 12) return null;
  const b0 = b[0] as number;
  if (b0 >> 6 !== 2) return null;
  let offset = 12 + (b0 & 0x0f) * 4;
  if (b0 & 0x10) {
    if (b.length < offset + 4) return null;
    offset += 4 + b.readUInt16BE(offset + 2) * 4;
  }
  let end = b.length;
  if (b0 & 0x20) end -= b[b.length - 1] as number;
  if (offset > end) return null;
  return {
    marker: ((b[1] as number) & 0x80) !== 0,
    payloadType: (b[1] as number) & 0x7f,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(offset, end),
  };
}
