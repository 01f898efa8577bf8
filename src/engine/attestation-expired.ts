/**
 * An attestation in sandcheck.yaml past its `expires` date, for an item no input gives evidence for:
 * the item fails with no finding. Reports name it as a rule (SARIF results, `explain`), but no rule
 * file makes it.
 */
export const ATTESTATION_EXPIRED_RULE = {
  id: 'attestation-expired',
  title: 'Attestations must be renewed before they expire',
  severity: 'high',
  /** Its checklist item is the one the attestation is for. */
  checklistNote: 'the item the attestation is for',
  rationale: 'An item that no input gives evidence for is decided by its attestation in sandcheck.yaml. Past its `expires` date the attestation no longer counts: the item fails, and so does the run (exit 1).',
  remediation: 'Review the item again and renew its attestation in sandcheck.yaml (`by`, `date`, `evidence`, a new `expires`).',
  docPath: 'docs/ci-and-workflow.md#attestations-sandcheckyaml',
} as const;
