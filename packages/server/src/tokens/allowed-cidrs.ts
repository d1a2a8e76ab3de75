// The addresses a token may be used from: its allowedCidrs, parsed once (when the
// record is built from its row or its create) with ipaddr.js, then asked of every
// request the token makes. A token without them has none (null), so the hot path
// asks one property.
import ipaddr from 'ipaddr.js';
import { errors } from '../errors.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

/** IPv4 in the four-part decimal form only: `127.1` or `0x7f.0.0.1` are not taken for addresses. */
function parseAddress(text: string): Address | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (!ipaddr.IPv6.isValid(text)) return undefined;
  const address = ipaddr.IPv6.parse(text);
  // An IPv4 client seen through a dual-stack socket (::ffff:203.0.113.9) is that IPv4 address.
  return address.isIPv4MappedAddress() ? address.toIPv4Address() : address;
}

/** A CIDR, or a bare address (one address: /32 or /128); undefined when it is neither. */
function parseRange(text: string): Range | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) {
    const address = parseAddress(text);
    return address && [address, address.kind() === 'ipv4' ? 32 : 128];
  }
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return ipaddr.IPv4.parseCIDR(text);
  if (!ipaddr.IPv6.isValidCIDR(text)) return undefined;
  const [address, bits] = ipaddr.IPv6.parseCIDR(text);
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8: addresses are matched as IPv4 once unmapped.
  if (address.isIPv4MappedAddress() && bits >= 96) return [address.toIPv4Address(), bits - 96];
  return [address, bits];
}

export class AllowedCidrs {
  private constructor(
    /** As given (and returned on the wire). */
    readonly list: readonly string[],
    /** Each entry of the list parsed, at the same index; undefined: it no longer parses. */
    private readonly ranges: ReadonlyArray<Range | undefined>,
  ) {}

  /**
   * A stored list (validated when it was set). An entry that no longer parses
   * allows nothing, and lies inside nothing: closed, never open.
   */
  static of(list: readonly string[]): AllowedCidrs | null {
    if (list.length === 0) return null;
    return new AllowedCidrs(list, list.map(parseRange));
  }

  /** The first of `other`'s entries that does not lie inside one of these ranges, or undefined when all do. */
  firstOutside(other: AllowedCidrs): string | undefined {
    return other.list.find((entry, i) => {
      const range = other.ranges[i];
      return (
        range === undefined ||
        !this.ranges.some((own) => own !== undefined && own[0].kind() === range[0].kind() && range[1] >= own[1] && range[0].match(own))
      );
    });
  }

  /** Whether the address lies in one of the ranges. No address, or not an address: it cannot be shown to, so no. */
  allows(address: string | undefined): boolean {
    if (address === undefined) return false;
    const parsed = parseAddress(address);
    if (parsed === undefined) return false;
    const kind = parsed.kind();
    for (const range of this.ranges) {
      if (range !== undefined && range[0].kind() === kind && parsed.match(range)) return true;
    }
    return false;
  }
}

/**
 * A body's list, checked entry by entry (400 naming the first bad one), as the
 * record keeps it: null when empty (no restriction), undefined when absent.
 */
export function allowedCidrsFromWire(list: readonly string[] | undefined, field: string): AllowedCidrs | null | undefined {
  if (list === undefined) return undefined;
  list.forEach((entry, i) => {
    if (parseRange(entry) === undefined) {
      throw errors.validation(
        `${field}/${i} ${JSON.stringify(entry)} is not an IPv4 or IPv6 CIDR; give ranges such as 203.0.113.0/24 or 2001:db8::/32, or single addresses`,
      );
    }
  });
  return AllowedCidrs.of(list);
}
