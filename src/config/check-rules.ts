import { scanText } from '../analyzers/secrets/scan-text.js';
import { closest } from '../engine/ajv.js';
import type { RuleSet } from '../engine/load-rules.js';
import { SUPPRESSION_WITHOUT_REASON } from '../engine/suppression-findings.js';
import { TRUST_BOUNDARY_UNMATCHED } from '../engine/trust-boundary-findings.js';
import type { ConfigProblem } from './semantic-checks.js';

/** What a waiver may name: rule ids and old aliases. */
export type KnownRules = Pick<RuleSet, 'byId' | 'aliases'>;

/** Rules that are not rule files but produce findings a waiver may accept. */
const SYNTHETIC_RULES: readonly string[] = [SUPPRESSION_WITHOUT_REASON, TRUST_BOUNDARY_UNMATCHED];

const NOT_A_RULE_ID = 'an unknown rule that is not a rule id (not shown: it may be a value)';

/**
 * Rule ids are kebab-case names. Anything else in a rule id's place (a token pasted by mistake) is not
 * quoted back: no output may hold a secret (README: Redaction, no exceptions).
 */
function readsAsRuleId(id: string): boolean {
  return /^[a-z0-9]{1,24}(?:-[a-z0-9]{1,24})*$/.test(id) && id.length <= 64 && scanText(id).length === 0;
}

/**
 * `unknown rule "x" (did you mean "y"? see `sandcheck rules`)`, the same words wherever a rule id is
 * named (a waiver, an inline suppression, `explain`); an id that does not read as one is not quoted back.
 */
export function unknownRuleText(id: string, rules: KnownRules, synthetic: readonly string[] = SYNTHETIC_RULES): string {
  if (!readsAsRuleId(id)) return `${NOT_A_RULE_ID} (see \`sandcheck rules\`)`;
  const near = nearestRule(id, rules, synthetic);
  return `unknown rule "${id}" (${near ? `did you mean "${near}"? ` : ''}see \`sandcheck rules\`)`;
}

/** The known rule id (or alias) a misspelt one probably meant. */
function nearestRule(id: string, rules: KnownRules, synthetic: readonly string[]): string | undefined {
  return closest(id, [...rules.byId.keys(), ...rules.aliases.keys(), ...synthetic]);
}

/** A waiver must name a rule that exists (or an alias, or `*`): a typo would otherwise waive nothing, silently. */
export function unknownWaiverRules(waivers: unknown, rules: KnownRules): ConfigProblem[] {
  if (!Array.isArray(waivers)) return [];
  const out: ConfigProblem[] = [];
  waivers.forEach((w, i) => {
    const rule = (w as { rule?: unknown } | null)?.rule;
    // Not a string: the schema reports it.
    if (typeof rule !== 'string' || rule === '*' || SYNTHETIC_RULES.includes(rule) || rules.byId.has(rule) || rules.aliases.has(rule)) return;
    out.push({ path: ['waivers', i, 'rule'], reason: unknownRuleText(rule, rules, SYNTHETIC_RULES) });
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
      const prefix = `${where ? `${where}: ` : ''}suppression names`;
      if (!readsAsRuleId(s.ruleId)) {
        out.push(`${prefix} ${NOT_A_RULE_ID}; it suppresses nothing`);
        continue;
      }
      const near = nearestRule(s.ruleId, rules, synthetic);
      out.push(`${prefix} unknown rule "${s.ruleId}"; it suppresses nothing${near ? ` (did you mean "${near}"?)` : ''}`);
    }
  }
  return out;
}
