import { ATTESTATION_EXPIRED_RULE } from './attestation-expired.js';
import { SUPPRESSION_WITHOUT_REASON_RULE } from './suppression-findings.js';
import { TRUST_BOUNDARY_UNMATCHED_RULE } from './trust-boundary-findings.js';

/**
 * Checks the engine makes itself, with no rule file. Their findings name them as ruleId and waivers
 * may name them, so `rules`, `explain` and SARIF's rule list must know them as they know the rules.
 */
export interface EngineCheck {
  readonly id: string;
  readonly title: string;
  readonly severity: 'critical' | 'high' | 'medium' | 'low';
  readonly verdict?: 'fail' | 'warn';
  readonly rationale: string;
  readonly remediation: string;
  readonly docPath: string;
  /** Absent when the item depends on the case (then checklistNote says which). */
  readonly checklist?: string;
  readonly checklistNote?: string;
}

export const ENGINE_CHECKS: readonly EngineCheck[] = [SUPPRESSION_WITHOUT_REASON_RULE, TRUST_BOUNDARY_UNMATCHED_RULE, ATTESTATION_EXPIRED_RULE];

export const ENGINE_CHECK_IDS: readonly string[] = ENGINE_CHECKS.map((c) => c.id);

export function engineCheck(id: string): EngineCheck | undefined {
  return ENGINE_CHECKS.find((c) => c.id === id);
}

/** A check's checklist item, or in words when it depends on the case. */
export function engineCheckItem(c: EngineCheck): string {
  return c.checklist ?? c.checklistNote ?? 'varies';
}
