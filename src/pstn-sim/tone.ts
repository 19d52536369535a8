import { g711Encode, type G711Codec } from './g711.js';

/** 8 kHz narrow-band audio (RFC 3551 §4.5.14): 160 samples = one 20 ms packet. */
export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;

/**
 * The simulator's prompt, one second long and looped: two short beeps (800 Hz then 1000 Hz, 200 ms
 * each, 100 ms apart) and silence — a recognisable sound, so someone listening through a first
 * call hears that audio flows, and its energy makes a stuck or one-way stream obvious in a capture.
 */
export function promptSamples(): Int16Array {
  const out = new Int16Array(SAMPLE_RATE);
  const beep = (fromMs: number, toMs: number, hz: number): void => {
    const from = (fromMs * SAMPLE_RATE) / 1000;
    const to = (toMs * SAMPLE_RATE) / 1000;
    for (let i = from; i < to; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * hz * (i - from)) / SAMPLE_RATE));
  };
  beep(0, 200, 800);
  beep(300, 500, 1000);
  return out;
}

const CACHE = new Map<G711Codec, Buffer[]>();

/** The prompt encoded in `codec`, cut into 20 ms payloads (computed once per codec). */
export function promptFrames(codec: G711Codec): readonly Buffer[] {
  let frames = CACHE.get(codec);
  if (frames === undefined) {
    const all = g711Encode(codec, promptSamples());
    frames = [];
    for (let i = 0; i < all.length; i += FRAME_SAMPLES) frames.push(all.subarray(i, i + FRAME_SAMPLES));
    CACHE.set(codec, frames);
  }
  return frames;
}
