import type { RuleSet } from '../engine/load-rules.js';
import { SUPPRESSION_WITHOUT_REASON } from '../engine/suppression-findings.js';
import { ConfigError } from './load.js';
import type { SandcheckConfig } from './types.js';

/** A waiver must name a rule that exists (or an alias, or `*`): a typo would otherwise waive nothing, silently. */
export function checkWaiverRules(config: SandcheckConfig, rules: RuleSet): void {
  config.waivers.forEach((w, i) => {
    if (w.rule === '*' || w.rule === SUPPRESSION_WITHOUT_REASON || rules.byId.has(w.rule) || rules.aliases.has(w.rule)) return;
    throw new ConfigError(config.file ?? 'sandcheck.yaml', `/waivers/${i}/rule: unknown rule "${w.rule}" (see \`sandcheck rules\`)`, config.lines?.waiverRules[i]);
  });
}

/** Inline suppressions naming no known rule: one warning each, so a typo is seen. */
export function unknownSuppressionWarnings(targets: { suppressions: { ruleId: string; location?: { file?: string; line?: number } }[] }[], rules: RuleSet, synthetic: string[] = []): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of targets) {
    for (const s of t.suppressions) {
      if (rules.byId.has(s.ruleId) || rules.aliases.has(s.ruleId) || synthetic.includes(s.ruleId)) continue;
      const where = s.location?.file ? `${s.location.file}${s.location.line ? `:${s.location.line}` : ''}` : '';
      const key = `${where}|${s.ruleId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(`${where ? `${where}: ` : ''}suppression names unknown rule "${s.ruleId}"; it suppresses nothing`);
    }
  }
  return out;
}
