import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret: 32 random bytes, prefixed so that it is recognisable in a leak scan. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** The headers of a delivery: the signature is HMAC-SHA256 (key: the whole secret) over `${timestamp}.${body}`. */
export function signedHeaders(secret: string, eventId: string, body: string, at: Date): Record<string, string> {
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const signature = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return {
    'content-type': 'application/json',
    'user-agent': 'chatwidget-webhooks/1',
    'webhook-id': eventId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1=${signature}`,
  };
}
