/**
 * Encryption at rest of webhook signing secrets (AES-256-GCM) when VERBATIM_WEBHOOK_SECRET_KEY is
 * set: a database dump then does not let anyone forge deliveries. Without a key secrets are stored
 * as issued. Stored form: `enc:v1:<iv>:<tag>:<ciphertext>` (base64url parts).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

export class SecretBox {
  private readonly key: Buffer | null;

  /** `passphrase`: any string of 32+ characters; the AES key is its SHA-256. */
  constructor(passphrase: string | null | undefined) {
    this.key = passphrase ? createHash('sha256').update(passphrase).digest() : null;
  }

  seal(secret: string): string {
    if (!this.key) return secret;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return PREFIX + [iv, cipher.getAuthTag(), ciphertext].map((b) => b.toString('base64url')).join(':');
  }

  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    if (!this.key) throw new Error('webhook secret is encrypted but VERBATIM_WEBHOOK_SECRET_KEY is not set');
    const [iv, tag, ciphertext] = stored
      .slice(PREFIX.length)
      .split(':')
      .map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  }
}
