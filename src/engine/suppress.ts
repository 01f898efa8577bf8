import type { Finding } from '../model/finding.js';
import type { Suppression } from '../model/target.js';
import type { RuleSet } from './load-rules.js';
import type { Inventory } from './types.js';

/**
 * Marks findings suppressed by an inline suppression (annotation, compose extension, comment) that
 * names the rule (or one of its old ids) and gives a reason. A suppression without a reason does
 * not suppress. Config waivers and baselines are applied after this step (see waivers.ts).
 */
export function applyInlineSuppressions(findings: Finding[], inventory: Inventory, rules: RuleSet): void {
  for (const f of findings) {
    if (f.suppressed) continue;
    const target = inventory.byId(f.target.id);
    if (!target) continue;
    const s = target.suppressions.find((x) => matchesRule(x, f.ruleId, rules) && x.reason && coversLine(x, f));
    if (s) f.suppressed = { by: 'inline', reason: s.reason!, ...(s.expires ? { expires: s.expires } : {}) };
  }
}

function matchesRule(s: Suppression, ruleId: string, rules: RuleSet): boolean {
  return s.ruleId === ruleId || rules.aliases.get(s.ruleId) === ruleId;
}

function coversLine(s: Suppression, f: Finding): boolean {
  if (s.appliesToLine === undefined) return true;
  return f.location.line === s.appliesToLine && (!s.location?.file || s.location.file === f.location.file);
}
