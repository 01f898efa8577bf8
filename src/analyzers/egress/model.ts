import type { Family } from './address.js';
import type { CtState } from './header-space.js';

/**
 * The normalized, JSON-serialisable form of an ordered packet filter (iptables, nftables), shared by
 * every netfilter parser and stored as the `data` of `egress` targets. Addresses are strings so that the
 * data stays plain JSON; the analyzer compiles them into header-space cubes.
 */

export interface DimMatch<T> {
  values: T[];
  /** `! -d …`, `ip daddr != …`: the complement within the dimension. */
  negate?: boolean;
}

/** A conjunction of conditions; one rule matches the union (OR) of its MatchSpecs. */
export interface MatchSpec {
  /** CIDRs or `a-b` ranges of the rule's family. */
  dst?: DimMatch<string>;
  /** Protocol numbers. */
  proto?: DimMatch<number>;
  /** Inclusive port ranges. */
  dport?: DimMatch<[number, number]>;
  ct?: DimMatch<CtState>;
  /** Output interface names; a trailing `+` (iptables) or `*` (nft) is a prefix wildcard. */
  oif?: DimMatch<string>;
  /** Conditions on the source, resolved against the context (true / false / unknown). */
  src?: DimMatch<string>;
  iif?: DimMatch<string>;
  uid?: DimMatch<[number, number]>;
  gid?: DimMatch<[number, number]>;
  /** ipset matches (`-m set --match-set NAME dst`); resolved when the host's ipset contents are given. */
  sets?: { name: string; flags: string; negate?: boolean }[];
  /** Matches the analyzer cannot evaluate, in words (`-m string`, `xt match "conntrack"`, `ipset "x" not given`). */
  opaque?: string[];
  /** The rule can never match (e.g. `! -p all`). */
  never?: boolean;
  /** Matches only packets of this family (nft `ip daddr …` in an inet table implies IPv4). */
  family?: Family;
}

export type VerdictKind = 'accept' | 'drop' | 'return' | 'continue' | 'jump' | 'goto' | 'unknown' | 'notrack' | 'redirect' | 'dnat';

export interface RuleVerdict {
  kind: VerdictKind;
  /** jump/goto target chain. */
  target?: string;
  /** The text as written: `REJECT`, `DROP`, `LOG`, `NFQUEUE`, `redirect to :3128`. */
  text: string;
  /** redirect/dnat: where the flow goes instead (`127.0.0.1:3128`, `10.0.0.5:8080`). */
  to?: { addr?: string; ports?: [number, number] };
  /**
   * iptables NETMAP (a dnat to its prefix): it rewrites the destination only on the hooks DNAT may stand on
   * (prerouting, output); on postrouting and input it rewrites the source and ends the nat chain like ACCEPT.
   * A user chain reached from both kinds of hook does both, one per path (see verdictOnHook).
   */
  netmap?: true;
  /** A cloud route table's drop (a route table is judged as a filter): see RouteDrop. */
  route?: RouteDrop;
}

/**
 * Why a route table drops a flow: `blackhole` is the route that decides when its target is gone
 * (`route 10.1.0.0/16 → tgw-1`); without it, no route of `table` covers the destination.
 */
export interface RouteDrop {
  /** `AWS route table rtb-0abc (main)`. */
  table: string;
  blackhole?: string;
}

export interface Origin {
  file: string;
  line: number;
}

export interface NormRule {
  match: MatchSpec[];
  verdict: RuleVerdict;
  origin: Origin;
  /** The rule as written (for evidence), without counters. */
  text: string;
  /** Position shown in rule paths when one source rule became several (nft verdict maps). */
  index?: number;
}

export interface NormChain {
  name: string;
  /** Built-in (iptables) or base (nft) chain: it has a policy and a hook. */
  base: boolean;
  policy?: 'accept' | 'drop';
  /**
   * Why the policy is an assumption, not read from the file (a restore file that never sets it, or a line
   * iptables-nft-restore resets it with): shown beside the policy in witnesses and --explain.
   */
  policyNote?: string;
  hook?: string;
  priority?: number;
  /** nft chain type: filter / nat / route. iptables: the table name. */
  type?: string;
  rules: NormRule[];
  origin: Origin;
}

export interface NormTable {
  /** iptables table (filter, nat…) or nft `family table` name. */
  name: string;
  /** Families this table filters. */
  families: Family[];
  chains: NormChain[];
}

export type RulesetSource = 'iptables-save' | 'ip6tables-save' | 'nft-json' | 'nft-text' | 'k8s-networkpolicy' | 'cloud' | 'ipset-save' | 'compose';

export interface NormRuleset {
  source: RulesetSource;
  /** The file it was read from (display path). */
  file?: string;
  /** `nf_tables` or `legacy` for iptables-save output; null when not stated. */
  backend: string | null;
  /** The families this ruleset speaks for: an iptables-save file is IPv4 only, an nft ruleset both. */
  families: Family[];
  tables: NormTable[];
  /** ipset contents (`ipset save` output, in this file or another file of the host). */
  ipsets?: Record<string, IpsetContent>;
  /** Input-level problems (warnings in the file, opaque statements) with where they were seen. */
  notes: { text: string; line: number; severity: 'opaque' | 'incomplete' | 'info' }[];
  /**
   * How an iptables-save dump's family was decided: its `# Generated by` header, its content (addresses,
   * ICMP flavour, IPv6-only modules), its file name (`rules.v6`), or not at all (`undecided`: judged as
   * the family the host's other dumps leave open, see egress-verdict.ts).
   */
  familyBy?: 'header' | 'content' | 'name' | 'undecided';
}

export type ContextKind = 'host-process' | 'container' | 'pod';

export interface EgressContext {
  kind: ContextKind;
  uid?: number;
  gid?: number;
  interface?: string;
  sourceCidr?: string;
  namespace?: string;
  labels?: Record<string, string>;
  /** Cloud firewall scopes on this context's path (`egress.contexts[].behind`): ids or names as the inputs list them. */
  behind?: string[];
  /** A display name (a pod's workload). */
  name?: string;
  /** Why this context is judged: `configured` (sandcheck.yaml) or what in the input implied it. */
  origin?: string;
}

export function contextLabel(c: EgressContext): string {
  switch (c.kind) {
    case 'host-process':
      if (c.name) return c.name;
      return c.uid !== undefined ? `host process uid ${c.uid}` : 'host processes';
    case 'container':
      if (c.name) return c.name;
      return `containers${c.interface ? ` on ${c.interface}` : ''}${c.sourceCidr ? ` (${c.sourceCidr})` : ''}`;
    case 'pod':
      if (c.name) return `pod ${c.name}`;
      return `pods${c.namespace ? ` in ${c.namespace}` : ''}${c.labels ? ` with ${Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(',')}` : ''}`;
  }
}

/** The hook a context's new connections traverse on the host. */
export function hookOf(c: EgressContext): 'output' | 'forward' {
  return c.kind === 'host-process' ? 'output' : 'forward';
}

export interface IpsetContent {
  /** `hash:net`, `hash:ip,port`… */
  type: string;
  family: 'ipv4' | 'ipv6';
  members: string[];
  /** Members added with `nomatch` (excluded from a hash:net set). */
  nomatch: string[];
  origin: Origin;
}
