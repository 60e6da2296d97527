import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';

interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

// OWASP's scrypt setting for 32 MiB of memory (N = 2^15, r = 8, p = 3): about 0.2 s per hash on
// the 2-core reference machine. The cost is stored with each hash, so it can be raised later.
const humanCost: ScryptCost = { N: 2 ** 15, r: 8, p: 3 };
// A generated password carries 144 random bits; no amount of stretching makes guessing it any
// harder, so it is hashed cheaply (every test app's first start creates one).
const generatedCost: ScryptCost = { N: 2 ** 12, r: 8, p: 1 };
const keyLength = 32;
// 128 · N · r bytes are needed; Node refuses more than 32 MiB unless told.
const maxmem = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, cost: ScryptCost, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, length, { ...cost, maxmem }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const encode = (c: ScryptCost, salt: Buffer, hash: Buffer) =>
  `scrypt$${c.N}$${c.r}$${c.p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;

/** Hashes a chosen password as `scrypt$N$r$p$salt$hash`, off the event loop. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return encode(humanCost, salt, await derive(password, salt, humanCost, keyLength));
}

/** A new random password and its hash, synchronously: the first start makes one inside a transaction. */
export function generatePassword(): { password: string; hash: string } {
  const password = randomBytes(18).toString('base64url');
  const salt = randomBytes(16);
  return { password, hash: encode(generatedCost, salt, scryptSync(password, salt, keyLength, { ...generatedCost, maxmem })) };
}

function decode(stored: string) {
  const m = /^scrypt\$(\d{1,8})\$(\d{1,3})\$(\d{1,3})\$([\w-]{8,})\$([\w-]{16,})$/.exec(stored);
  if (!m) return undefined;
  const cost = { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) };
  return { cost, salt: Buffer.from(m[4]!, 'base64url'), hash: Buffer.from(m[5]!, 'base64url') };
}

// Checking against this when the username is unknown costs what a real check costs,
// so response times do not tell which usernames exist.
let decoy: string | undefined;

/** True when `password` matches the stored hash, compared in constant time. With no hash it spends the same time and fails. */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoy ??= encode(humanCost, randomBytes(16), randomBytes(keyLength));
  const parsed = decode(stored ?? decoy);
  if (!parsed) return false;
  const candidate = await derive(password, parsed.salt, parsed.cost, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash) && stored !== undefined;
}
