/**
 * G.711 (ITU-T G.711, 1988): 16-bit linear PCM ↔ 8-bit μ-law (PCMU, RTP payload type 0) and A-law
 * (PCMA, payload type 8), RFC 3551 §4.5.14. The segment arithmetic is the classic one of the Sun /
 * CCITT reference code; enough for a simulator's tone, and the decoders let tests check the audio.
 */
export type G711Codec = 'PCMU' | 'PCMA';

const ULAW_BIAS = 0x84;
const ULAW_CLIP = 32635;

export function linearToUlaw(sample: number): number {
  let s = sample | 0;
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > ULAW_CLIP) s = ULAW_CLIP;
  s += ULAW_BIAS;
  let exp = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exp > 0; mask >>= 1) exp--;
  const mantissa = (s >> (exp + 3)) & 0x0f;
  return ~(sign | (exp << 4) | mantissa) & 0xff;
}

export function ulawToLinear(byte: number): number {
  const u = ~byte & 0xff;
  const t = (((u & 0x0f) << 3) + ULAW_BIAS) << ((u & 0x70) >> 4);
  return u & 0x80 ? ULAW_BIAS - t : t - ULAW_BIAS;
}

const ALAW_SEGMENT_END = [0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff];

export function linearToAlaw(sample: number): number {
  let v = (sample | 0) >> 3; // A-law quantises 13 bits
  let mask = 0xd5; // even bits inverted, sign bit set for positive values
  if (v < 0) {
    mask = 0x55;
    v = -v - 1;
  }
  const seg = ALAW_SEGMENT_END.findIndex((end) => v <= end);
  if (seg === -1) return 0x7f ^ mask;
  const a = (seg << 4) | ((seg < 2 ? v >> 1 : v >> seg) & 0x0f);
  return a ^ mask;
}

export function alawToLinear(byte: number): number {
  const a = byte ^ 0x55;
  let t = (a & 0x0f) << 4;
  const seg = (a & 0x70) >> 4;
  if (seg === 0) t += 8;
  else t = (t + 0x108) << (seg - 1);
  return a & 0x80 ? t : -t;
}

/** Encodes linear samples (one byte each out). */
export function g711Encode(codec: G711Codec, samples: Int16Array): Buffer {
  const out = Buffer.alloc(samples.length);
  const enc = codec === 'PCMU' ? linearToUlaw : linearToAlaw;
  for (let i = 0; i < samples.length; i++) out[i] = enc(samples[i] as number);
  return out;
}

/** Decodes G.711 bytes to linear samples. */
export function g711Decode(codec: G711Codec, bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  const dec = codec === 'PCMU' ? ulawToLinear : alawToLinear;
  for (let i = 0; i < bytes.length; i++) out[i] = dec(bytes[i] as number);
  return out;
}
