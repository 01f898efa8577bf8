import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeHost, type HostAnalysis } from '../../src/analyzers/egress/analyze.js';
import type { NormRuleset } from '../../src/analyzers/egress/model.js';
import { parseIpsetSave, parseIptablesSave } from '../../src/inputs/iptables/parse.js';
import { parseNftJson } from '../../src/inputs/nftables/parse-json.js';
import { parseNftText } from '../../src/inputs/nftables/parse-text.js';
import type { Scenario } from './scenarios.js';

export const FORM_FILES = { iptables: ['iptables.save', 'ip6tables.save'], 'nft-json': ['nft.json'], 'nft-text': ['nft.txt'] } as const;

/** Rulesets of one saved form in a scenario directory; empty dumps (no tables at all) are left out. */
export function loadForm(dir: string, form: Scenario['forms'][number], withIpset = false): NormRuleset[] {
  const out: NormRuleset[] = [];
  if (withIpset && form === 'iptables' && existsSync(join(dir, 'ipset.save'))) out.push(parseIpsetSave(readFileSync(join(dir, 'ipset.save'), 'utf8'), 'ipset.save'));
  for (const f of FORM_FILES[form]) {
    const p = join(dir, f);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, 'utf8');
    if (!/\S/.test(text.replace(/^#.*$/gm, ''))) continue;
    if (form === 'iptables') out.push(...parseIptablesSave(text, f));
    else if (form === 'nft-json') {
      const rs = parseNftJson(text, f);
      if (rs.tables.length) out.push(rs);
    } else {
      const rs = parseNftText(text, f);
      if (rs.tables.length) out.push(rs);
    }
  }
  return out;
}

export function judge(s: Scenario, rulesets: NormRuleset[]): HostAnalysis {
  return analyzeHost({ rulesets, contexts: s.contexts ?? [], allowlist: s.allowlist });
}

export function codes(a: HostAnalysis): string[] {
  return a.findings.map((f) => `${f.code} ${f.verdict} ${f.family ?? '-'}`).sort();
}

/** Checks one analysis against the scenario; returns the problems (empty = as expected). */
export function check(s: Scenario, form: Scenario['forms'][number], a: HostAnalysis): string[] {
  const problems: string[] = [];
  const want = [...(form !== 'iptables' && s.expectNft ? s.expectNft : s.expect)].sort();
  const got = [...new Set(codes(a))].sort();
  if (JSON.stringify(want) !== JSON.stringify(got)) problems.push(`${s.name}/${form}: expected [${want.join(', ')}], got [${got.join(', ')}]\n  ${a.findings.map((f) => f.message).join('\n  ')}`);
  if (form === s.forms[0]) {
    for (const [code, sub] of Object.entries(s.paths ?? {})) {
      const f = a.findings.find((x) => x.code === code);
      if (!f?.path?.includes(sub)) problems.push(`${s.name}/${form}: path of ${code} should contain "${sub}", got "${f?.path}"`);
    }
  }
  for (const [code, sub] of Object.entries(s.witness ?? {})) {
    const f = a.findings.find((x) => x.code === code);
    if (!f?.witness?.includes(sub)) problems.push(`${s.name}/${form}: witness of ${code} should contain "${sub}", got "${f?.witness}"`);
  }
  return problems;
}
