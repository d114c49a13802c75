/** Standard Webhooks secrets: `whsec_` + base64 of 24 random bytes (the libraries strip the prefix). */
import { randomBytes } from 'node:crypto';

export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function newWebhookId(): string {
  return `wh_${randomBytes(12).toString('hex')}`;
}
