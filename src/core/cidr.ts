import { BlockList, isIPv4, isIPv6 } from 'node:net';

/**
 * A set of CIDR ranges (IPv4 and IPv6) built once and matched on the hot path. Built on node's BlockList,
 * which also matches IPv4-mapped IPv6 addresses (::ffff:10.0.0.1) against IPv4 ranges.
 */
export class CidrSet {
  private readonly list = new BlockList();
  readonly size: number;
  constructor(cidrs: readonly string[]) {
    for (const c of cidrs) addCidr(this.list, c);
    this.size = cidrs.length;
  }
  has(ip: string): boolean {
    if (this.size === 0) return false;
    const plain = stripMapped(ip);
    if (isIPv4(plain)) return this.list.check(plain, 'ipv4');
    if (isIPv6(plain)) return this.list.check(plain, 'ipv6');
    return false;
  }
}

/** Whether a string is a valid IP or CIDR; used by config validation. */
export function isValidCidr(cidr: string): boolean {
  try {
    addCidr(new BlockList(), cidr);
    return true;
  } catch {
    return false;
  }
}

function addCidr(list: BlockList, cidr: string): void {
  const [addr = '', bits] = cidr.trim().split('/');
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
  if (!family) throw new Error(`invalid IP or CIDR: ${cidr}`);
  if (bits === undefined) {
    list.addAddress(addr, family);
    return;
  }
  const prefix = Number(bits);
  const max = family === 'ipv4' ? 32 : 128;
  if (!/^\d+$/.test(bits) || prefix > max) throw new Error(`invalid CIDR prefix: ${cidr}`);
  list.addSubnet(addr, prefix, family);
}

/** `::ffff:1.2.3.4` → `1.2.3.4`, so logs and limits see one form of an IPv4 client. */
export function stripMapped(ip: string): string {
  return ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
}
