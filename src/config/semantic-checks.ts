import ipaddr from 'ipaddr.js';
import { scanText } from '../analyzers/secrets/scan-text.js';

/** A problem the JSON Schema cannot express, at a path inside sandcheck.yaml. */
export interface ConfigProblem {
  path: (string | number)[];
  reason: string;
}

/**
 * Addresses in the egress section must be exact: a typo such as `/33` or a block with host bits set
 * would otherwise match nothing (or something else) and silently change what counts as allowed.
 */
export function checkEgressAddresses(egress: unknown): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  if (!egress || typeof egress !== 'object') return out;
  const e = egress as { allow?: unknown[]; internal?: unknown[]; contexts?: unknown[]; dns?: { resolvers?: unknown[] } };
  const check = (value: unknown, path: (string | number)[]): void => {
    if (typeof value !== 'string') return;
    const reason = cidrProblem(value);
    if (reason) out.push({ path, reason });
  };
  for (const [i, a] of (Array.isArray(e.allow) ? e.allow : []).entries()) check((a as { cidr?: unknown })?.cidr, ['egress', 'allow', i, 'cidr']);
  for (const [i, a] of (Array.isArray(e.internal) ? e.internal : []).entries()) check((a as { cidr?: unknown })?.cidr, ['egress', 'internal', i, 'cidr']);
  for (const [i, c] of (Array.isArray(e.contexts) ? e.contexts : []).entries()) check((c as { sourceCidr?: unknown })?.sourceCidr, ['egress', 'contexts', i, 'sourceCidr']);
  for (const [i, r] of (Array.isArray(e.dns?.resolvers) ? e.dns.resolvers : []).entries()) check(r, ['egress', 'dns', 'resolvers', i]);
  return out;
}

/** Why `text` is not an exact IPv4/IPv6 address or CIDR block, or null when it is one. */
export function cidrProblem(text: string): string | null {
  const [addr, len, extra] = text.split('/');
  // A value pasted in an address's place (a token) is not quoted back: no output may hold a secret.
  if (!readsAsAddress(text)) return 'not an IPv4 (a.b.c.d) or IPv6 address, nor a CIDR block (the value is not shown: it does not read as an address)';
  if (extra !== undefined || addr === undefined) return `"${text}" is not an address or CIDR block`;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(addr);
  if (!v4 && !ipaddr.IPv6.isValid(addr)) return `"${addr}" is not an IPv4 (a.b.c.d) or IPv6 address`;
  if (len === undefined) return null;
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(len) || Number(len) > max) return `"/${len}" is not a prefix length for ${v4 ? 'IPv4 (0-32)' : 'IPv6 (0-128)'}`;
  const network = (v4 ? ipaddr.IPv4 : ipaddr.IPv6).networkAddressFromCIDR(text);
  if (network.toNormalizedString() !== ipaddr.parse(addr).toNormalizedString()) {
    return `"${text}" has host bits set; the block is ${network.toString()}/${len} (write that, or the address alone)`;
  }
  return null;
}

/** Address characters only, with the `.` or `:` every address has, and nothing a secret detector recognises. */
function readsAsAddress(text: string): boolean {
  return /^[0-9a-fA-F:./]{1,64}$/.test(text) && /[.:]/.test(text) && scanText(text).length === 0;
}

/**
 * Names that must be unique: two trust boundaries with one name are read as one (a key the two share
 * is then not reported as shared), and so is one named like a default boundary; of two attestations of
 * one item only the first counts.
 */
export function checkDuplicates(config: { trustBoundaries?: unknown; attestations?: unknown }): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const unique = (list: unknown, section: string, field: string, why: (value: string, earlier: string) => string): void => {
    if (!Array.isArray(list)) return;
    const first = new Map<string, number>();
    list.forEach((entry, i) => {
      const value = (entry as Record<string, unknown> | null)?.[field];
      if (typeof value !== 'string') return;
      const earlier = first.get(value);
      if (earlier === undefined) first.set(value, i);
      else out.push({ path: [section, i, field], reason: why(value, `${section}[${earlier}]`) });
    });
  };
  unique(config.trustBoundaries, 'trustBoundaries', 'name', (v, e) => `"${v}" is the name of ${e} too: two boundaries with one name are read as one, so a key they share would not be reported`);
  // The default boundaries are named so (src/analyzers/secrets/boundaries.ts): a declared one of that
  // name would merge with the namespace or project it names.
  if (Array.isArray(config.trustBoundaries)) {
    config.trustBoundaries.forEach((entry, i) => {
      const name = (entry as Record<string, unknown> | null)?.name;
      const reserved = typeof name === 'string' ? /^(namespace|compose project) \S/.exec(name) : null;
      if (reserved) out.push({ path: ['trustBoundaries', i, 'name'], reason: `"${name}" is the name sandcheck gives the default boundary of that ${reserved[1]}: a boundary declared with it would be read as one with it; choose another name` });
    });
  }
  unique(config.attestations, 'attestations', 'item', (v, e) => `${v} is attested by ${e} too: only one attestation per item can count`);
  return out;
}
