import { locate } from '../model/target.js';
import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import { findingFingerprint } from './fingerprint.js';
import type { Inventory } from './types.js';

export const SUPPRESSION_WITHOUT_REASON = 'suppression-without-reason';

/** Described for reporters that list every check (SARIF rules[]); it is not a rule file because its checklist item is that of the rule it names. */
export const SUPPRESSION_WITHOUT_REASON_RULE = {
  id: SUPPRESSION_WITHOUT_REASON,
  title: 'Inline suppressions must give a reason',
  severity: 'low',
  checklistNote: 'that of the rule the suppression names',
  rationale: 'A suppression without a reason cannot be reviewed: nobody can tell later whether the accepted risk still holds. It suppresses nothing, and is reported under the checklist item of the rule it names.',
  /** Its documentation (it has no generated rule page). */
  docPath: 'docs/ci-and-workflow.md#suppressing-a-finding-inline-always-with-a-reason',
  remediation: 'Add the reason: `ignore.sandcheck.dev/<rule-id>: "<reason>"` (Kubernetes annotation), `x-sandcheck-ignore: { <rule-id>: "<reason>" }` (compose), `# sandcheck-ignore <rule-id> -- <reason>` (Dockerfile, env and firewall files).',
} as const;

/**
 * An inline suppression (annotation, compose `x-sandcheck-ignore`, `# sandcheck-ignore` comment)
 * must say why. One without a reason suppresses nothing (see suppress.ts) and is itself a finding,
 * filed under the checklist item of the rule it tried to silence. A suppression that names no known
 * rule is left alone here: it silences nothing.
 */
export function reportSuppressionsWithoutReason(result: EvaluationResult, inventory: Inventory, opts: AuditOptions): void {
  // One annotation can reach several targets (a pod's annotation covers its workload and containers).
  const seen = new Set<string>();
  for (const target of inventory.targets) {
    for (const s of target.suppressions) {
      if (s.reason !== null && s.reason.trim() !== '') continue;
      const where = s.location?.file && s.location.line ? `${s.location.file}:${s.location.line}` : target.id;
      const once = `${s.source}|${s.ruleId}|${where}`;
      if (seen.has(once)) continue;
      seen.add(once);
      const ruleId = opts.rules.byId.has(s.ruleId) ? s.ruleId : opts.rules.aliases.get(s.ruleId);
      const rule = ruleId ? opts.rules.byId.get(ruleId) : undefined;
      if (!rule) continue;
      const location = s.location ?? locate(target, '');
      const how = s.source === 'annotation' ? `annotation ignore.sandcheck.dev/${s.ruleId}` : s.source === 'compose-extension' ? `x-sandcheck-ignore entry ${s.ruleId}` : `# sandcheck-ignore ${s.ruleId}`;
      result.evaluations.push({ ruleId: SUPPRESSION_WITHOUT_REASON, checklist: rule.checklist, targetId: target.id, targetName: target.name, outcome: 'fail' });
      result.findings.push({
        ruleId: SUPPRESSION_WITHOUT_REASON,
        checklist: rule.checklist,
        severity: 'low',
        verdict: 'fail',
        title: SUPPRESSION_WITHOUT_REASON_RULE.title,
        message: `${how} gives no reason, so it suppresses nothing`,
        remediation:
          s.source === 'annotation'
            ? `Set the annotation value to the reason: ignore.sandcheck.dev/${s.ruleId}: "<why this is acceptable>".`
            : s.source === 'compose-extension'
              ? `Give the reason as the value: x-sandcheck-ignore: { ${s.ruleId}: "<why this is acceptable>" }.`
              : `Add the reason after two dashes: # sandcheck-ignore ${s.ruleId} -- <why this is acceptable>.`,
        target: { kind: target.kind, id: target.id, name: target.name },
        location,
        fingerprint: findingFingerprint(SUPPRESSION_WITHOUT_REASON, target.id, location.pointer ?? '', `${s.source}:${s.ruleId}`),
        evidence: { suppressedRule: s.ruleId, source: s.source },
      });
    }
  }
}
