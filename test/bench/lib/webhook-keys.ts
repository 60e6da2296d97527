import { createHash } from 'node:crypto';

// Seeded subscriber n gets keys derived from n, so the receiver can check every signature
// without being handed 10,000 secrets, and the baseline signs with the very same keys.
const digest = (what: string, n: number) => createHash('sha256').update(`herald-bench-${what}-${n}`).digest();

/** The 32 raw key bytes behind subscriber n's `whsec_` secret. */
export const webhookKey = (n: number): Buffer => digest('secret', n);
export const webhookSecret = (n: number): string => `whsec_${webhookKey(n).toString('base64')}`;
/** As long as Herald's own tokens (24 random bytes, base64url). */
export const unsubscribeToken = (n: number): string => digest('unsubscribe', n).toString('base64url').slice(0, 32);
/** Seeded webhook subscribers post to `<receiver>/hook/<n>`, unique per subscriber. */
export const hookPath = (n: number): string => `/hook/${n}`;
