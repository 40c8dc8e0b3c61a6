/** IPv4 CIDR arithmetic for subnet layout: pure, so the plan holds literal CIDRs. */

export function parseCidr(cidr: string): { address: number; prefix: number } | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (match === null) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { address, prefix };
}

function format(address: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256);
  return `${octets.join(".")}/${prefix}`;
}

/** Terraform's `cidrsubnet(cidr, newbits, index)`. */
export function cidrSubnet(cidr: string, newBits: number, index: number): string | undefined {
  const parsed = parseCidr(cidr);
  if (parsed === undefined) return undefined;
  const prefix = parsed.prefix + newBits;
  if (prefix > 28 || index < 0 || index >= 2 ** newBits) return undefined;
  const size = 2 ** (32 - prefix);
  const networkStart = parsed.address - (parsed.address % 2 ** (32 - parsed.prefix));
  return format(networkStart + index * size, prefix);
}

/**
 * Public subnets take the first blocks of the VPC, private ones the upper half, each a
 * sixteenth of the VPC (a /20 of a /16): room for 8 AZs of each without renumbering.
 */
export function subnetLayout(cidr: string, azs: readonly string[]): { public: string[]; private: string[] } | undefined {
  const pub = azs.map((_, i) => cidrSubnet(cidr, 4, i));
  const priv = azs.map((_, i) => cidrSubnet(cidr, 4, 8 + i));
  if ([...pub, ...priv].some((c) => c === undefined)) return undefined;
  return { public: pub as string[], private: priv as string[] };
}
