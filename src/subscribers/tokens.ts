import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Subscription links carry `<subscriber id>.<secret>`. The id finds the row; the secret is then
 * compared in constant time. Secrets are random, one per purpose, never derived from the address.
 */
export type TokenPurpose = 'confirm' | 'manage' | 'unsubscribe';

export const newSecret = () => randomBytes(24).toString('base64url');
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

export const linkToken = (subscriberId: string, secret: string) => `${subscriberId}.${secret}`;

export function splitToken(token: string): { subscriberId: string; secret: string } | undefined {
  const match = /^([a-z0-9]{12})\.([A-Za-z0-9_-]{16,128})$/.exec(token);
  return match ? { subscriberId: match[1]!, secret: match[2]! } : undefined;
}

/** Constant-time equality of two strings of any length (compared through their digests). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
}

/** Constant-time check of a presented secret against a stored SHA-256 hex digest. */
export function matchesHash(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

export const subscriptionUrls = (publicUrl: string) => ({
  confirm: (token: string) => `${publicUrl}/subscriptions/confirm/${token}`,
  manage: (token: string) => `${publicUrl}/subscriptions/manage/${token}`,
  unsubscribe: (token: string) => `${publicUrl}/subscriptions/unsubscribe/${token}`,
});
