import { parsePrefix } from '../../analyzers/egress/address.js';
import { PROTO_NUMBERS } from '../../analyzers/egress/header-space.js';
import type { MatchSpec, NormChain, NormRule, NormRuleset, Origin } from '../../analyzers/egress/model.js';
import { asObj, type Obj } from '../../util/objects.js';

/**
 * AWS security groups and network ACLs, GCP firewall rules and Azure NSGs (the JSON their CLIs print)
 * → one ordered filter per scope (a security group, a NACL, a VPC network, an NSG), so the same
 * analyzer judges them. Each source's implicit defaults are added as rules of their own.
 */

export interface CloudScope {
  /** `AWS security group sg-0abc (sandbox)`. */
  label: string;
  /** What `egress.contexts[].behind` names it by: the group, ACL, network or NSG id (or its name). */
  id: string;
  name?: string;
  /**
   * How scopes combine on one path: the security groups of one interface are unioned, the rest intersected.
   * `aws-route` (a route table) is a layer of an interface's path only, never judged alone; `aws-eni` is a
   * network interface: no filter of its own (empty ruleset), it says which groups, NACL and route table apply.
   */
  kind: 'aws-sg' | 'aws-nacl' | 'aws-route' | 'aws-eni' | 'gcp' | 'gcp-vm' | 'azure';
  ruleset: NormRuleset;
  /** Network ACLs and route tables: their VPC, the subnets associated with them, and whether they are the VPC's default ACL / main route table. */
  assoc?: { vpcId?: string; subnets: string[]; isDefault: boolean };
  /** `aws-eni`: the interface. */
  iface?: CloudInterface;
  /** `gcp`: the rules (by index in the scope's chain) that apply only to instances with these target tags or service accounts. */
  gcpTargets?: { rule: number; tags: string[]; serviceAccounts: string[] }[];
  /** `gcp-vm`: a GCP instance (no filter of its own: its network's firewall rules that target it are its layer). */
  vm?: GcpInstance;
}

/** A GCP instance (`gcloud compute instances list --format=json`): what firewall rules target. */
export interface GcpInstance {
  name: string;
  id?: string;
  /** The VPC network of its first interface (nic0, which carries its default route). */
  network: string;
  tags: string[];
  serviceAccounts: string[];
  origin: Origin;
}

/** A network interface (`describe-network-interfaces`, or an instance's interface in `describe-instances`). */
export interface CloudInterface {
  /** `eni-…`; for an instance listed without its interfaces, the instance id. */
  id: string;
  instanceId?: string;
  /** 0 for an instance's primary interface. */
  deviceIndex?: number;
  subnetId?: string;
  vpcId?: string;
  groups: { id: string; name?: string; origin: Origin }[];
  addresses: string[];
  description?: string;
  origin: Origin;
}

export { asObj } from '../../util/objects.js';
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

export function scopeRuleset(file: string, label: string, rules: NormRule[], policy: 'accept' | 'drop', origin: Origin): NormRuleset {
  const chain: NormChain = { name: label, base: true, hook: 'output', priority: 0, policy, type: 'filter', rules, origin };
  return { source: 'cloud', file, backend: null, families: ['ipv4', 'ipv6'], tables: [{ name: 'cloud', families: ['ipv4', 'ipv6'], chains: [chain] }], notes: [] };
}

export function protoSpec(p: string | number | undefined): number[] | null | 'all' {
  if (p === undefined || p === null) return 'all';
  const s = String(p).toLowerCase();
  if (s === '-1' || s === 'all' || s === '*' || s === 'any') return 'all';
  if (/^\d+$/.test(s)) return [Number(s)];
  const n = PROTO_NUMBERS[s];
  return n === undefined ? null : [n];
}

export function portRanges(list: readonly (string | number)[]): [number, number][] | null {
  const out: [number, number][] = [];
  for (const p of list) {
    const s = String(p).trim();
    if (s === '*' || s === '') return null;
    const m = /^(\d+)(?:-(\d+))?$/.exec(s);
    if (!m) return null;
    out.push([Number(m[1]), Number(m[2] ?? m[1])]);
  }
  return out;
}

export function validCidr(c: string): boolean {
  return parsePrefix(c) !== null;
}

export function rule(match: MatchSpec, kind: 'accept' | 'drop', text: string, origin: Origin, index?: number): NormRule {
  return { match: [match], verdict: { kind, text }, origin, text, ...(index !== undefined ? { index } : {}) };
}

/** Addresses AWS never filters with security groups or NACLs (IMDS, ECS task metadata, Amazon DNS, time sync). */
export const AWS_PLATFORM: { cidr: string; what: string }[] = [
  { cidr: '169.254.169.254/32', what: 'instance metadata (IMDS)' },
  { cidr: 'fd00:ec2::254/128', what: 'instance metadata (IMDS, IPv6)' },
  { cidr: '169.254.170.2/32', what: 'ECS task metadata' },
  { cidr: '169.254.169.253/32', what: 'Amazon DNS' },
  { cidr: '169.254.169.123/32', what: 'Amazon Time Sync' },
];
