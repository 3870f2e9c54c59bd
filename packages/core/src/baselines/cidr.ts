/** IPv4 CIDR arithmetic for the network baseline's checks: enough to parse, compare and count blocks. */

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

const FORM = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses a.b.c.d/n; a string says what is wrong (bad octet, prefix, host bits set). */
export function parseCidr(text: string): Ipv4Cidr | string {
  const m = FORM.exec(text);
  if (!m) return `${text} is not an IPv4 CIDR`;
  const octets = m.slice(1, 5).map(Number);
  if (octets.some((o) => o > 255)) return `${text} has an octet above 255`;
  const prefix = Number(m[5]);
  if (prefix > 32) return `${text} has a prefix longer than /32`;
  const base = octets.reduce((n, o) => n * 256 + o, 0);
  const size = blockSize(prefix);
  if (base % size !== 0) {
    // IPAM and EC2 refuse a CIDR with host bits set; say which network was probably meant.
    return `${text} has host bits set; the network is ${format(base - (base % size))}/${prefix}`;
  }
  return { base, prefix, text };
}

/** Addresses in a block of this prefix length. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.base < b.base + blockSize(b.prefix) && b.base < a.base + blockSize(a.prefix);
}

function format(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
