import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { ValidationError } from '../errors.js';
import type { AddressPolicy } from './address-policy.js';

export type Resolve = (hostname: string) => Promise<string[]>;

export const systemResolve: Resolve = async (hostname) => (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** The URL's host as an IP literal when it is one (`[::1]` → `::1`). */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

/**
 * Checks a webhook URL at subscribe time: http(s) only, no credentials, and every address the host
 * resolves to must be allowed. (The connection is checked again at send time against DNS rebinding.)
 * Returns the normalized URL.
 */
export async function checkEndpoint(raw: string, policy: AddressPolicy, resolve: Resolve, field = 'endpoint'): Promise<string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(`${field}: must be an absolute http(s) URL`, field);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`${field}: must use http or https, not ${url.protocol.replace(':', '')}`, field);
  }
  if (url.username || url.password) throw new ValidationError(`${field}: must not contain a user name or password`, field);
  if (url.hash) url.hash = '';
  const literal = literalAddress(url.hostname);
  let addresses: string[];
  if (literal) {
    addresses = [literal];
  } else {
    try {
      addresses = await resolve(url.hostname);
    } catch {
      throw new ValidationError(`${field}: the host ${url.hostname} does not resolve`, field);
    }
  }
  for (const address of addresses) {
    const refusal = policy.refusal(address);
    if (refusal) throw new ValidationError(`${field}: ${url.hostname} resolves to ${refusal}`, field);
  }
  return url.toString();
}
