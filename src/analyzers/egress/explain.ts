import { contextLabel } from './model.js';
import type { HostAnalysis } from './analyze.js';
import { familyLabel } from './describe.js';

/** The effective reachable set per host, context and family, as `sandcheck egress --explain` prints it. */
export function renderExplain(hosts: { host: string; analysis: HostAnalysis }[], assumptions: string[] = []): string {
  const out: string[] = [];
  if (hosts.length === 0) {
    out.push('No firewall or network policy among the inputs: egress-control is not assessed.');
    return out.join('\n') + '\n';
  }
  for (const { host, analysis } of hosts) {
    out.push(host);
    out.push(`  layers: ${analysis.layers.join('; ')}`);
    for (const a of assumptions) out.push(`  ${a}`);
    for (const ctx of analysis.explain) {
      out.push(`  ${contextLabel(ctx.context)}${ctx.context.origin ? ` (${ctx.context.origin})` : ''}`);
      for (const f of ctx.families) {
        const fam = familyLabel(f.family);
        if (f.notJudged) {
          out.push(`    ${fam}: not judged — ${f.notJudged}`);
          continue;
        }
        if (f.absent) {
          out.push(`    ${fam}: no ruleset among the inputs — nothing filters ${fam}`);
          continue;
        }
        out.push(`    ${fam}: default ${f.defaultVerdict === 'drop' ? 'deny' : 'ALLOW'} (${f.rulesets.join(', ')})`);
        for (const a of f.assumed ?? []) out.push(`      assumed: ${a}`);
        if (f.mustReach.length === 0 && f.possibleReach.length === 0) out.push('      reachable: nothing (new connections)');
        else if (f.mustReach.length) {
          out.push('      reachable (new connections):');
          for (const r of f.mustReach) out.push(`        ${r}`);
        }
        if (f.possibleReach.length) {
          out.push('      possibly reachable (depends on matches sandcheck cannot evaluate):');
          for (const r of f.possibleReach) out.push(`        ${r}`);
        }
        if (f.notListed.length) out.push(`      not listed (reachable, but not egress sandcheck judges): ${f.notListed.join('; ')}`);
        if (f.allowedBy.length) {
          out.push('      allowed by:');
          for (const a of f.allowedBy) out.push(`        ${a.rule}: ${a.reaches.join('; ')}`);
        }
        for (const d of f.delegations) out.push(`      delegated: ${d}`);
        for (const o of f.opaque) out.push(`      opaque: ${o}`);
      }
    }
  }
  return out.join('\n') + '\n';
}
