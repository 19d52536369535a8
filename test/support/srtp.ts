import { createCipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RtpPeer } from './anchored-rtp-peer.js';

/** The SDES suite these tests speak (RFC 4568 §6.2.1): AES-128 counter mode, HMAC-SHA1 tag of 80 bits. */
export const SUITE = 'AES_CM_128_HMAC_SHA1_80';
const TAG_LENGTH = 10;

/** AES-128 in counter mode over `data` from the 16-byte counter block `iv` (RFC 3711 §4.1.1). */
function aesCm(key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const c = createCipheriv('aes-128-ctr', key, iv);
  return Buffer.concat([c.update(data), c.final()]);
}

/** A session key from the master key and salt (RFC 3711 §4.3.1, key derivation rate 0, index 0). */
function derive(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const iv = Buffer.alloc(16);
  masterSalt.copy(iv, 0);
  iv[7] = (iv[7] as number) ^ label; // label || r (r = 0), right-aligned in the 112-bit salt
  return aesCm(masterKey, iv, Buffer.alloc(length));
}

/**
 * One direction of SRTP keyed by an SDES `inline:` key (RFC 3711, RFC 4568): what a test carrier
 * or PBX uses to read rtpengine's SRTP and to send its own. Only what the tests need: RTP without
 * header extensions or CSRCs, the rollover counter kept from the sequence numbers seen.
 */
export class SrtpContext {
  readonly #key: Buffer;
  readonly #salt: Buffer;
  readonly #auth: Buffer;
  #roc = 0;
  #lastSeq = -1;

  /** `inline` is the base64 of a 16-byte master key and a 14-byte master salt (an `a=crypto` key param). */
  constructor(inline: string) {
    const master = Buffer.from(inline.replace(/^inline:/, '').split('|')[0] as string, 'base64');
    if (master.length !== 30) throw new Error(`an ${SUITE} key is 30 bytes, not ${master.length}`);
    const key = master.subarray(0, 16);
    const salt = master.subarray(16);
    this.#key = derive(key, salt, 0, 16);
    this.#auth = derive(key, salt, 1, 20);
    this.#salt = derive(key, salt, 2, 14);
  }

  #iv(ssrc: number, index: number): Buffer {
    const iv = Buffer.alloc(16);
    this.#salt.copy(iv, 0);
    iv.writeUInt32BE((iv.readUInt32BE(4) ^ ssrc) >>> 0, 4);
    const hi = Math.floor(index / 2 ** 32);
    iv.writeUInt16BE(iv.readUInt16BE(8) ^ (hi & 0xffff), 8);
    iv.writeUInt32BE((iv.readUInt32BE(10) ^ index) >>> 0, 10);
    return iv;
  }

  #tag(authenticated: Buffer, roc: number): Buffer {
    const r = Buffer.alloc(4);
    r.writeUInt32BE(roc >>> 0);
    return createHmac('sha1', this.#auth).update(authenticated).update(r).digest().subarray(0, TAG_LENGTH);
  }

  #index(seq: number): { roc: number; index: number } {
    let roc = this.#roc;
    if (this.#lastSeq >= 0 && seq < 0x1000 && this.#lastSeq > 0xf000) roc++;
    if (this.#lastSeq < 0 || roc > this.#roc || seq > this.#lastSeq) {
      this.#roc = roc;
      this.#lastSeq = seq;
    }
    return { roc, index: roc * 0x10000 + seq };
  }

  /** An RTP packet (12-byte header) encrypted and tagged. */
  protect(rtp: Buffer): Buffer {
    const seq = rtp.readUInt16BE(2);
    const ssrc = rtp.readUInt32BE(8);
    const { roc, index } = this.#index(seq);
    const body = Buffer.concat([rtp.subarray(0, 12), aesCm(this.#key, this.#iv(ssrc, index), rtp.subarray(12))]);
    return Buffer.concat([body, this.#tag(body, roc)]);
  }

  /** The RTP packet inside an SRTP one, or null when its authentication tag is wrong. */
  unprotect(srtp: Buffer): Buffer | null {
    if (srtp.length < 12 + TAG_LENGTH) return null;
    const body = srtp.subarray(0, srtp.length - TAG_LENGTH);
    const seq = body.readUInt16BE(2);
    const ssrc = body.readUInt32BE(8);
    const { roc, index } = this.#index(seq);
    const tag = srtp.subarray(srtp.length - TAG_LENGTH);
    if (!timingSafeEqual(tag, this.#tag(body, roc))) return null;
    return Buffer.concat([body.subarray(0, 12), aesCm(this.#key, this.#iv(ssrc, index), body.subarray(12))]);
  }
}

/** The key of the `a=crypto` line offering `suite` in an SDP: `{ tag, inline }`, or null. */
export function sdesKey(sdp: string, suite = SUITE): { tag: string; inline: string } | null {
  const m = new RegExp(`^a=crypto:(\\d+) ${suite} (inline:[^\\s|]+)`, 'm').exec(sdp);
  return m === null ? null : { tag: m[1] as string, inline: m[2] as string };
}

/** Sends 50 SRTP packets a second of `fill` payload from `peer` to `to`, until the returned stop is called. */
export function sendSrtp(
  peer: RtpPeer,
  ctx: SrtpContext,
  to: { address: string; port: number },
  fill: number,
): () => void {
  let seq = 0;
  const ssrc = randomBytes(4).readUInt32BE();
  const timer = setInterval(() => {
    const p = Buffer.alloc(172, fill);
    p[0] = 0x80;
    p[1] = 0;
    p.writeUInt16BE(seq, 2);
    p.writeUInt32BE(seq * 160, 4);
    p.writeUInt32BE(ssrc, 8);
    seq++;
    peer.socket.send(ctx.protect(p), to.port, to.address);
  }, 20);
  return () => clearInterval(timer);
}

/** Counts packets that authenticate under `ctx` and carry a payload of `fill` bytes; and those that do not. */
export function countSrtp(peer: RtpPeer, ctx: SrtpContext, fill: number): { good: number; forged: number } {
  const n = { good: 0, forged: 0 };
  peer.socket.on('message', (m) => {
    const rtp = ctx.unprotect(m);
    if (rtp === null) n.forged++;
    else if (rtp.subarray(12).equals(Buffer.alloc(160, fill))) n.good++;
  });
  return n;
}
