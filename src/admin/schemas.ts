import { z } from 'zod';

export const minPasswordLength = 12;

/** Usernames are compared lowercased, so `Admin` and `admin` are one account. */
export const username = z
  .string({ error: 'must be a string' })
  .trim()
  .toLowerCase()
  .min(1, 'must not be blank')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._@-]*$/, 'may use letters, digits and . _ @ - only');

export const password = z
  .string({ error: 'must be a string' })
  .min(minPasswordLength, `must be at least ${minPasswordLength} characters`)
  // scrypt reads all of it; a bound keeps one request from costing more than a normal login.
  .max(1024, 'must be at most 1024 characters');

export const SetPasswordInput = z.object({ username, password });
export type SetPasswordInput = z.infer<typeof SetPasswordInput>;
