import { createHash } from 'node:crypto';

// Everything about seeded subscriber n is derived from n, so the receiver can check signatures
// without being handed 10,000 secrets, and the baselines build the same links and keys.
const digest = (what: string, n: number) => createHash('sha256').update(`herald-bench-${what}-${n}`).digest();

/** 12 lowercase alphanumerics, like Herald's own ids (subscription links require that shape). */
export const subscriberId = (n: number): string => `bench${String(n).padStart(7, '0')}`;
/** The 32 raw key bytes behind subscriber n's `whsec_` secret. */
export const webhookKey = (n: number): Buffer => digest('secret', n);
export const webhookSecret = (n: number): string => `whsec_${webhookKey(n).toString('base64')}`;
/** As long as Herald's own secrets (24 random bytes, base64url). */
export const unsubscribeToken = (n: number): string => digest('unsubscribe', n).toString('base64url').slice(0, 32);
const manageSecret = (n: number): string => digest('manage', n).toString('base64url').slice(0, 32);
/** Seeded webhook subscribers post to `<receiver>/hook/<n>`, unique per subscriber. */
export const hookPath = (n: number): string => `/hook/${n}`;

/** The links Herald puts in each message (`<id>.<secret>` tokens, src/subscribers/tokens.ts), for the baselines to match. */
export const subscriptionLinks = (publicUrl: string, n: number) => ({
  unsubscribe: `${publicUrl}/subscriptions/unsubscribe/${subscriberId(n)}.${unsubscribeToken(n)}`,
  manage: `${publicUrl}/subscriptions/manage/${subscriberId(n)}.${manageSecret(n)}`,
});
