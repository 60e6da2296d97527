import { randomBytes, scrypt, scryptSync, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// N = 2^15, r = 8: about 100 ms and 32 MiB per hash on the 2-core reference machine. The
// parameters are stored with each hash, so they can be raised later without breaking old ones.
const defaults = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;
// 128 · N · r bytes are needed; Node refuses anything above 32 MiB unless told.
const maxmem = 128 * 1024 * 1024;

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...options, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const encode = (p: typeof defaults, salt: Buffer, hash: Buffer) =>
  `scrypt$${p.N}$${p.r}$${p.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;

/** Hashes a password as `scrypt$N$r$p$salt$hash`, off the event loop. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return encode(defaults, salt, await derive(password, salt, defaults, keyLength));
}

/** The same hash, synchronously: for the first start, which runs inside a database transaction. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  return encode(defaults, salt, scryptSync(password.normalize('NFC'), salt, keyLength, { ...defaults, maxmem }));
}

function decode(stored: string) {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([\w-]{8,})\$([\w-]{16,})$/.exec(stored);
  if (!m) return undefined;
  const [N, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return { options: { N, r, p }, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') };
}

// Verifying against this when the username is unknown costs the same time as a real check,
// so response times do not tell which usernames exist.
let decoy: string | undefined;

/** True when `password` matches the stored hash; compared in constant time. `stored` undefined burns the same time and fails. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoy ??= hashPasswordSync(randomBytes(16).toString('hex'));
  const parsed = decode(stored ?? decoy);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.options, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash) && stored !== undefined;
}
