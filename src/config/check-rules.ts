import { closest } from '../engine/ajv.js';
import type { RuleSet } from '../engine/load-rules.js';
import { SUPPRESSION_WITHOUT_REASON } from '../engine/suppression-findings.js';
import { TRUST_BOUNDARY_UNMATCHED } from '../engine/trust-boundary-findings.js';
import type { ConfigProblem } from './semantic-checks.js';

/** What a waiver may name: rule ids and old aliases. */
export type KnownRules = Pick<RuleSet, 'byId' | 'aliases'>;

/** Rules that are not rule files but produce findings a waiver may accept. */
const SYNTHETIC_RULES: readonly string[] = [SUPPRESSION_WITHOUT_REASON, TRUST_BOUNDARY_UNMATCHED];

/** A waiver must name a rule that exists (or an alias, or `*`): a typo would otherwise waive nothing, silently. */
export function unknownWaiverRules(waivers: unknown, rules: KnownRules): ConfigProblem[] {
  if (!Array.isArray(waivers)) return [];
  const out: ConfigProblem[] = [];
  waivers.forEach((w, i) => {
    const rule = (w as { rule?: unknown } | null)?.rule;
    // Not a string: the schema reports it.
    if (typeof rule !== 'string' || rule === '*' || SYNTHETIC_RULES.includes(rule) || rules.byId.has(rule) || rules.aliases.has(rule)) return;
    const near = closest(rule, [...rules.byId.keys(), ...rules.aliases.keys(), ...SYNTHETIC_RULES]);
    out.push({ path: ['waivers', i, 'rule'], reason: `unknown rule "${rule}" (${near ? `did you mean "${near}"? ` : ''}see \`sandcheck rules\`)` });
  });
  return out;
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
