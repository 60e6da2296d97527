import ipaddr from 'ipaddr.js';

type Parsed = ipaddr.IPv4 | ipaddr.IPv6;

const globalUnicast = ipaddr.parseCIDR('2000::/3');

export interface AddressPolicy {
  /** Why a webhook may not connect to this IP address, or undefined when it may. */
  refusal(address: string): string | undefined;
}

const describe: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  linkLocal: 'a link-local address (this includes cloud metadata services)',
  uniqueLocal: 'a unique-local IPv6 address',
  carrierGradeNat: 'a carrier-grade NAT address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
  ipv4Mapped: 'an IPv4-mapped IPv6 address',
  rfc6052: 'a NAT64 address',
  '6to4': 'a 6to4 address',
  teredo: 'a Teredo address',
};

/** Parses `127.0.0.0/8,10.1.0.0/16` (single addresses allowed). Throws on an entry that is not a CIDR or address. */
export function parseCidrList(text: string): Array<[Parsed, number]> {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => (entry.includes('/') ? ipaddr.parseCIDR(entry) : ([ipaddr.parse(entry), ipaddr.parse(entry).kind() === 'ipv4' ? 32 : 128] as [Parsed, number])));
}

/**
 * Only public unicast addresses are reachable, unless an allowed range names the address.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry.
 */
export function createAddressPolicy(allowed: ReadonlyArray<[Parsed, number]>): AddressPolicy {
  return {
    refusal(address) {
      if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
      let parsed: Parsed = ipaddr.parse(address);
      if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
      if (allowed.some(([range, bits]) => range.kind() === parsed.kind() && parsed.match(range, bits))) return undefined;
      const range = parsed.range();
      // ipaddr.js calls some non-routable IPv6 space "unicast" (the deprecated IPv4-compatible ::/96,
      // for one), so IPv6 must also be global unicast, 2000::/3.
      if (range === 'unicast' && (parsed.kind() === 'ipv4' || parsed.match(globalUnicast))) return undefined;
      if (range === 'unicast') return `${address} is not a global IPv6 address; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)`;
      return `${address} is ${describe[range] ?? `a ${range} address`}; webhooks may only reach public addresses (WEBHOOK_ALLOWED_CIDRS can allow a range)`;
    },
  };
}
