import { randomBytes } from 'node:crypto';

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
// 252 is the largest multiple of 36 below 256: rejecting bytes above it keeps every character equally likely.
const limit = 252;

/** A Statuspage-style id: 12 random lowercase alphanumerics. */
export function newId(length = 12): string {
  let id = '';
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < limit) id += alphabet[byte % 36];
      if (id.length === length) break;
    }
  }
  return id;
}
