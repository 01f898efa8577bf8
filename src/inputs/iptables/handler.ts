import { dirname } from 'node:path';
import { analyzeHost } from '../../analyzers/egress/analyze.js';
import type { NormRuleset } from '../../analyzers/egress/model.js';
import type { Target } from '../../model/target.js';
import { parseCommentSuppressions, toTargetSuppressions } from '../../util/comment-suppressions.js';
import type { InputHandler, SourceFile } from '../types.js';
import { looksLikeIpsetSave, looksLikeIptablesSave, parseIpsetSave, parseIptablesSave } from './parse.js';

/** `egress` target data for a host packet filter (iptables-save, ip6tables-save, nftables). */
export interface NetfilterEgressData {
  layer: 'host-netfilter';
  format: string;
  /** Files in one directory are taken to describe one host; their rulesets are combined. */
  host: string;
  rulesets: NormRuleset[];
  /** What this file alone allows, per implied context (no allowlist applied). */
  summary: ReturnType<typeof analyzeHost>['explain'];
}

const NAME = /(^|\/)(ip6?tables(-legacy|-nft)?(-save)?[^/]*|rules\.v[46]|[^/]*\.(iptables|ip6tables|rules|save))$/i;

export function netfilterTarget(file: SourceFile, format: string, rulesets: NormRuleset[]): Target<NetfilterEgressData> {
  const summary = rulesets.some((r) => r.tables.length > 0) ? analyzeHost({ rulesets, contexts: [], allowlist: { allow: [], internal: [], resolvers: [], ipv6: 'auto' } }).explain : [];
  return {
    kind: 'egress',
    id: `egress:netfilter:${file.path}`,
    name: `${format} ${file.path}`,
    platform: 'firewall',
    file: file.path,
    data: { layer: 'host-netfilter', format, host: file.absPath ? dirname(file.absPath) : '<stdin>', rulesets, summary },
    locations: new Map([['', { file: file.path, line: 1 }]]),
    suppressions: file.text.includes('sandcheck-ignore') ? toTargetSuppressions(file.path, parseCommentSuppressions(file.text).suppressions) : [],
  };
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
    return { targets: [netfilterTarget(file, rulesets.map((r) => r.source).join('+'), rulesets)] };
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
