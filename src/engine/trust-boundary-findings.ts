import { unmatchedSelectors } from '../analyzers/secrets/boundary-coverage.js';
import type { Report } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import { findingFingerprint } from './fingerprint.js';
import type { Inventory } from './types.js';

export const TRUST_BOUNDARY_UNMATCHED = 'trust-boundary-unmatched';

/** The only rule that reads trust boundaries: a run without it (`sandcheck egress`) has no use for them. */
const KEY_REUSE = 'secret-key-shared-across-boundaries';

/** Not a rule file: it judges sandcheck.yaml against the run, not a target. Described here for reporters (SARIF rules[]). */
export const TRUST_BOUNDARY_UNMATCHED_RULE = {
  id: TRUST_BOUNDARY_UNMATCHED,
  title: 'A trust boundary of sandcheck.yaml matches nothing in the scan',
  checklist: 'workload-isolation',
  severity: 'low',
  verdict: 'warn',
  rationale:
    'Key reuse is judged per trust boundary. A trustBoundaries selector that matches nothing (a mistyped namespace or label, a path glob written relative to the wrong folder) leaves its boundary out of the comparison silently: keys it shares are not seen as shared.',
  /** Its documentation (it has no generated rule page). */
  docPath: 'docs/key-storage.md#trust-boundaries-workload-isolation',
  remediation: 'Correct the selector so that it names what the boundary holds (paths are globs relative to the folder of sandcheck.yaml), or remove it; scan the inputs of that boundary in the same run.',
} as const;

/**
 * A warning per `trustBoundaries` selector that matches nothing this run scanned, at its line of
 * sandcheck.yaml (src/analyzers/secrets/boundary-coverage.ts says which selectors are judged when).
 * Before waivers, so a waiver can accept it. Recorded as a weak pass: a warning about the config is
 * no evidence about isolation, so accepting it must not make the item pass.
 */
export function reportUnmatchedTrustBoundaries(result: EvaluationResult, inventory: Inventory, opts: AuditOptions): void {
  if (!opts.rules.byId.has(KEY_REUSE)) return;
  const file = inventory.config.file ?? 'sandcheck.yaml';
  for (const u of unmatchedSelectors(inventory)) {
    const target = { kind: 'inventory' as const, id: `config:${file}#trustBoundaries/${u.index}`, name: `trust boundary ${u.boundary}` };
    const { id: ruleId, checklist, severity, verdict, title } = TRUST_BOUNDARY_UNMATCHED_RULE;
    result.evaluations.push({ ruleId, checklist, targetId: target.id, targetName: target.name, outcome: 'pass', weak: true });
    result.findings.push({
      ruleId,
      checklist,
      severity,
      verdict,
      title,
      message: `Trust boundary "${u.boundary}": ${u.selector} ${u.reason}`,
      remediation: TRUST_BOUNDARY_UNMATCHED_RULE.remediation,
      target,
      location: { file, ...(u.line ? { line: u.line } : {}), pointer: u.pointer },
      fingerprint: findingFingerprint(TRUST_BOUNDARY_UNMATCHED, target.id, u.pointer, u.selector),
      evidence: { boundary: u.boundary, selector: u.selector },
    });
  }
}

/** The stderr lines of a run's active trust-boundary warnings: `sandcheck.yaml:7: Trust boundary "x": …`. */
export function trustBoundaryWarnings(report: Report): string[] {
  return report.findings.filter((f) => f.ruleId === TRUST_BOUNDARY_UNMATCHED && !f.suppressed).map((f) => `${formatLocation(f.location)}: ${f.message}`);
}
