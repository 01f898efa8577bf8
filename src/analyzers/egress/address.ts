import ipaddr from 'ipaddr.js';
import { IntervalSet } from './interval-set.js';

export type Family = 'ipv4' | 'ipv6';
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

export const ADDR_MAX: Record<Family, bigint> = { ipv4: (1n << 32n) - 1n, ipv6: (1n << 128n) - 1n };
const BITS: Record<Family, bigint> = { ipv4: 32n, ipv6: 128n };

export interface ParsedPrefix {
  family: Family;
  lo: bigint;
  hi: bigint;
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * `10.0.0.0/8`, `10.1.2.3` (a host), `2001:db8::/32`, `::ffff:1.2.3.4` stays IPv6. Host bits below the
 * prefix are ignored, as iptables and the cloud APIs do. Returns null for anything else.
 */
const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;
const cache = new Map<string, ParsedPrefix | null>();

export function parsePrefix(text: string): ParsedPrefix | null {
  let r = cache.get(text);
  if (r !== undefined || cache.has(text)) return r ?? null;
  r = parsePrefixUncached(text);
  if (cache.size > 100_000) cache.clear();
  cache.set(text, r);
  return r;
}

/**
 * `a.b.c.d` or `a.b.c.d/len` read character by character (the bulk of real rule sets). Anything unusual
 * (leading zeros, a part above 255, a dotted mask) returns undefined and takes the general path.
 */
function parseDottedQuad(s: string): ParsedPrefix | undefined {
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  let i = 0;
  const n = s.length;
  for (; i < n; i++) {
    const ch = s.charCodeAt(i);
    if (ch >= 48 && ch <= 57) {
      if (digits === 1 && part === 0) return undefined;
      if (++digits > 3) return undefined;
      part = part * 10 + (ch - 48);
    } else if (ch === 46) {
      if (digits === 0 || dots === 3 || part > 255) return undefined;
      v = v * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else break;
  }
  if (dots !== 3 || digits === 0 || part > 255) return undefined;
  v = v * 256 + part;
  let len = 32;
  if (i < n) {
    if (s.charCodeAt(i) !== 47 || i + 1 === n || n - i - 1 > 2) return undefined;
    len = 0;
    for (let k = i + 1; k < n; k++) {
      const ch = s.charCodeAt(k);
      if (ch < 48 || ch > 57) return undefined;
      len = len * 10 + (ch - 48);
    }
    if (len > 32) return undefined;
  }
  const host = 32 - len;
  const lo = host === 32 ? 0 : Math.floor(v / 2 ** host) * 2 ** host;
  return { family: 'ipv4', lo: BigInt(lo), hi: BigInt(lo + 2 ** host - 1) };
}

function parsePrefixUncached(text: string): ParsedPrefix | null {
  const s = text.trim();
  const quad = parseDottedQuad(s);
  if (quad !== undefined) return quad;
  const m = V4.exec(s);
  if (m) {
    // Fast path for dotted-quad IPv4 (the bulk of real rule sets); no leading zeros, as ipaddr.js.
    const parts = [m[1]!, m[2]!, m[3]!, m[4]!];
    if (parts.some((p) => (p.length > 1 && p[0] === '0') || Number(p) > 255)) return null;
    const len = m[5] === undefined ? 32 : Number(m[5]);
    if (len > 32) return null;
    const v = ((Number(parts[0]) * 256 + Number(parts[1])) * 256 + Number(parts[2])) * 256 + Number(parts[3]);
    const host = 32 - len;
    const lo = host === 32 ? 0 : Math.floor(v / 2 ** host) * 2 ** host;
    return { family: 'ipv4', lo: BigInt(lo), hi: BigInt(lo + 2 ** host - 1) };
  }
  try {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    let len: number;
    if (s.includes('/')) {
      const parts = s.split('/');
      if (parts.length !== 2) return null;
      const [a, l] = parts as [string, string];
      if (!/^\d+$/.test(l)) {
        // iptables also accepts a dotted netmask: 10.0.0.0/255.0.0.0
        if (!ipaddr.IPv4.isValidFourPartDecimal(a) || !ipaddr.IPv4.isValidFourPartDecimal(l)) return null;
        const maskLen = ipaddr.IPv4.parse(l).prefixLengthFromSubnetMask();
        if (maskLen === null) return null;
        addr = ipaddr.IPv4.parse(a);
        len = maskLen;
      } else {
        addr = ipaddr.parse(a);
        len = Number(l);
      }
    } else {
      addr = ipaddr.parse(s);
      len = addr.kind() === 'ipv4' ? 32 : 128;
    }
    if (addr.kind() === 'ipv4' && !ipaddr.IPv4.isValidFourPartDecimal(s.split('/')[0]!)) return null;
    const family: Family = addr.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
    const bits = BITS[family];
    if (len < 0 || BigInt(len) > bits) return null;
    const host = bits - BigInt(len);
    const v = bytesToBigint(addr.toByteArray());
    const lo = (v >> host) << host;
    return { family, lo, hi: lo + (1n << host) - 1n };
  } catch {
    return null;
  }
}

/** `a.b.c.d-e.f.g.h` ranges (`-m iprange`, nft `1.2.3.4-1.2.3.9`). */
export function parseAddressRange(text: string): ParsedPrefix | null {
  const m = /^([^-\s]+)-([^-\s]+)$/.exec(text.trim());
  if (!m) return null;
  const a = parsePrefix(m[1]!);
  const b = parsePrefix(m[2]!);
  if (!a || !b || a.family !== b.family || a.lo !== a.hi || b.lo !== b.hi || b.lo < a.lo) return null;
  return { family: a.family, lo: a.lo, hi: b.hi };
}

export function formatAddress(family: Family, v: bigint): string {
  if (family === 'ipv4') {
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  }
  const parts: number[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) parts.push(Number((v >> s) & 0xffffn));
  return ipaddr.fromByteArray(parts.flatMap((p) => [p >> 8, p & 255])).toString();
}

/** The smallest list of CIDR blocks that covers [lo, hi] exactly. */
export function rangeToCidrs(family: Family, lo: bigint, hi: bigint): string[] {
  const out: string[] = [];
  const bits = BITS[family];
  let cur = lo;
  while (cur <= hi) {
    let size = 0n;
    while (size < bits) {
      const next = size + 1n;
      const block = 1n << next;
      if (cur % block !== 0n || cur + block - 1n > hi) break;
      size = next;
    }
    out.push(`${formatAddress(family, cur)}/${bits - size}`);
    cur += 1n << size;
  }
  return out;
}

/** True when [lo, hi] is exactly one CIDR block: its size is a power of two and lo is aligned to it. */
function isOneBlock(lo: bigint, hi: bigint): boolean {
  const mask = hi - lo; // size - 1
  return ((mask + 1n) & mask) === 0n && (lo & mask) === 0n;
}

/** Number of bits in n (0 for 0): the host bits of a block whose size - 1 is n. */
function bitLength(n: bigint): bigint {
  return n === 0n ? 0n : BigInt(n.toString(2).length);
}

/** A compact, readable form of an address set: CIDR blocks when every range is one block, else ranges. */
export function formatAddressSet(family: Family, set: IntervalSet, limit = 6): string {
  if (set.isEmpty()) return 'nothing';
  if (set.lo[0] === 0n && set.hi[0] === ADDR_MAX[family] && set.count === 1) return family === 'ipv4' ? '0.0.0.0/0' : '::/0';
  // One notation per list, in address order: CIDR blocks when every range is exactly one block, else
  // every range as `first-last` (a single address as itself).
  const ranges = [...set.ranges()];
  const items = ranges.every(([lo, hi]) => isOneBlock(lo, hi))
    ? ranges.map(([lo, hi]) => `${formatAddress(family, lo)}/${BITS[family] - bitLength(hi - lo)}`)
    : ranges.map(([lo, hi]) => (lo === hi ? formatAddress(family, lo) : `${formatAddress(family, lo)}-${formatAddress(family, hi)}`));
  if (items.length > limit) return `${items.slice(0, limit).join(', ')} … (+${items.length - limit} more)`;
  return items.join(', ');
}

/** Address set from CIDR strings of one family (others ignored). */
export function addressSet(family: Family, cidrs: readonly string[]): IntervalSet {
  const ranges: [bigint, bigint][] = [];
  for (const c of cidrs) {
    const p = parsePrefix(c);
    if (p && p.family === family) ranges.push([p.lo, p.hi]);
  }
  return IntervalSet.of(ranges);
}
