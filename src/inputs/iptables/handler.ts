import type { NormRuleset } from '../../analyzers/egress/model.js';
import type { Target } from '../../model/target.js';
import { hostOf, wholeFileTarget } from '../file-target.js';
import type { DetailedParseOutput, InputHandler, SourceFile } from '../types.js';
import { looksLikeIpsetSave, looksLikeIptablesSave, parseIpsetSave, parseIptablesSave } from './parse.js';

/** `egress` target data for a host packet filter (iptables-save, ip6tables-save, nftables). */
export interface NetfilterEgressData {
  layer: 'host-netfilter';
  format: string;
  /** Files in one directory are taken to describe one host; their rulesets are combined. */
  host: string;
  rulesets: NormRuleset[];
  /**
   * A syntactic digest for readers of the JSON report: per family, the base-chain policies, the
   * accepting rules and the rules with opaque conditions. The reachable set itself is computed by the
   * egress rules against sandcheck.yaml (and printed by `sandcheck egress --explain`).
   */
  summary: RulesetSummary[];
}

export interface RulesetSummary {
  source: string;
  families: string[];
  policies: { chain: string; policy: 'accept' | 'drop'; line: number }[];
  accepts: { rule: string; match: string; line: number }[];
  opaque: { rule: string; conditions: string; line: number }[];
  /** How many entries the lists above left out (they keep the first 200 each). */
  omitted: number;
}

const SUMMARY_LIMIT = 200;

function summarize(rs: NormRuleset): RulesetSummary {
  const out: RulesetSummary = { source: rs.source, families: rs.families, policies: [], accepts: [], opaque: [], omitted: 0 };
  // Entries are built only while there is room: a large rule set would otherwise format every rule.
  const push = <T,>(list: T[], make: () => T): void => {
    if (list.length < SUMMARY_LIMIT) list.push(make());
    else out.omitted++;
  };
  for (const t of rs.tables)
    for (const c of t.chains) {
      if (c.base) push(out.policies, () => ({ chain: `${t.name}/${c.name}`, policy: c.policy ?? 'accept', line: c.origin.line }));
      c.rules.forEach((r, i) => {
        const where = (): string => `${t.name}/${c.name} #${r.index ?? i + 1}`;
        if (r.verdict.kind === 'accept') push(out.accepts, () => ({ rule: where(), match: r.text, line: r.origin.line }));
        let opaque = false;
        for (const m of r.match) if (m.opaque?.length) opaque = true;
        if (opaque) push(out.opaque, () => ({ rule: where(), conditions: r.match.flatMap((m) => m.opaque ?? []).join('; '), line: r.origin.line }));
      });
    }
  return out;
}

const NAME = /(^|\/)(ip6?tables(-legacy|-nft)?(-save)?[^/]*|rules\.v[46]|[^/]*\.(iptables|ip6tables|rules|save))$/i;

export function netfilterTarget(file: SourceFile, format: string, rulesets: NormRuleset[]): Target<NetfilterEgressData> {
  const summary = rulesets.map(summarize);
  return wholeFileTarget(
    file,
    { kind: 'egress', id: `egress:netfilter:${file.path}`, name: `${format} ${file.path}`, platform: 'firewall', data: { layer: 'host-netfilter', format, host: hostOf(file), rulesets, summary } },
    { comments: true },
  );
}

/** `IPv6`, `IPv6 by file name`, or `family undecided` for the Inputs list. */
function familyDetail(rs: NormRuleset): string {
  const fam = rs.families[0] === 'ipv6' ? 'IPv6' : 'IPv4';
  if (rs.familyBy === 'undecided') return 'family undecided: no header, address, ICMP type or file name says IPv4 or IPv6';
  return rs.familyBy === 'name' ? `${fam} by file name` : fam;
}

export const iptablesHandler: InputHandler = {
  format: 'iptables-save',
  items: ['egress-control'],
  detect(file) {
    if (looksLikeIptablesSave(file.text)) return true;
    return NAME.test(file.path) && /^\*(filter|nat|mangle|raw|security)\b/m.test(file.text);
  },
  parse(file) {
    const rulesets = parseIptablesSave(file.text, file.path);
    const out: DetailedParseOutput = { targets: [netfilterTarget(file, rulesets.map((r) => r.source).join('+'), rulesets)], detail: rulesets.map(familyDetail).join(' + ') };
    return out;
  },
};

/** `ipset save` output: set contents for `-m set` rules of the host (files in the same directory). */
export const ipsetHandler: InputHandler = {
  format: 'ipset-save',
  items: ['egress-control'],
  detect(file) {
    return looksLikeIpsetSave(file.text);
  },
  parse(file) {
    return { targets: [netfilterTarget(file, 'ipset-save', [parseIpsetSave(file.text, file.path)])] };
  },
};
