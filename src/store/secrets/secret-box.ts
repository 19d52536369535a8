/**
 * Encryption at rest for secrets the store must give back in clear (SIP passwords: Get
 * Credentials returns them, and the gateway needs them to verify digests).
 *
 * AES-256-GCM, a fresh random 96-bit IV per encryption (NIST SP 800-38D §8.2.2), the 128-bit
 * tag checked on decryption. Envelope: `v1:<iv>:<tag>:<ciphertext>`, each base64. The row's
 * owner (the trunk SID) is bound as additional authenticated data, so a ciphertext copied onto
 * another trunk's row fails to decrypt instead of handing out that trunk's password.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('secret key must be 32 bytes');
    this.#key = Buffer.from(key);
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return `v1:${iv.toString('base64')}:${tag.toString('base64')}:${ct.toString('base64')}`;
  }

  decrypt(envelope: string, aad: string): string {
    const parts = envelope.split(':');
    if (parts.length !== 4 || parts[0] !== 'v1') throw new Error('unknown secret envelope');
    const [, iv, tag, ct] = parts as [string, string, string, string];
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    // Throws on a wrong key or tampered data: never return garbage as a password.
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString('utf8');
  }
}
