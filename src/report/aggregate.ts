import type { SandcheckConfig } from '../config/types.js';
import { CHECKLIST, type ChecklistId, type ItemVerdict } from '../model/checklist.js';
import type { ChecklistResult, Evaluation, Finding, InputRecord, Report } from '../model/finding.js';
import { SEVERITIES, atLeast, type Severity } from '../model/severity.js';
import { VERSION } from '../util/version.js';
import { isExpired } from '../util/expiry.js';
import { egressAssumptions } from '../analyzers/egress/assumptions.js';

export interface AggregateInput {
  findings: Finding[];
  evaluations: Evaluation[];
  inputs: InputRecord[];
  /** Checklist items each input-with-error could have given evidence for (all items when unknown). */
  inputErrorItems: ChecklistId[];
  /** Parsed inputs of a specific format; defaults to every parsed input. Zero = nothing to audit (exit 2). */
  recognisedInputs?: number;
  errors: Report['errors'];
  failOn: Severity | 'any';
  config: SandcheckConfig;
  targets: number;
  rules: number;
  now?: Date;
}

/**
 * Why a run could not be audited (exit 2): an input, the configuration or a rule could not be read or
 * run (`incomplete`); no input of a format sandcheck judges, only text files scanned for secrets
 * (`nothing-recognisable`); or recognised inputs with nothing in them a rule applies to
 * (`nothing-to-audit`). Null when the run has a verdict. aggregate() decides; reporters ask this.
 */
export type NotAudited = 'incomplete' | 'nothing-recognisable' | 'nothing-to-audit';

export function whyNotAudited(report: Pick<Report, 'summary' | 'errors'>): NotAudited | null {
  const s = report.summary;
  if (s.exitCode !== 2) return null;
  if (s.inputs.error > 0 || report.errors.length > 0) return 'incomplete';
  return s.inputs.recognised === 0 ? 'nothing-recognisable' : 'nothing-to-audit';
}

/**
 * Findings and evaluations → one verdict per checklist item, the summary and the exit code.
 * fail (an active failing finding) > error (evidence could not be read) > warn > pass (at least one
 * applicable evaluation that counts as evidence) > manual (an attestation) > not-assessed (no evidence).
 */
export function aggregate(input: AggregateInput): Report {
  const now = input.now ?? new Date();
  const active = input.findings.filter((f) => !f.suppressed);
  const checklist: ChecklistResult[] = CHECKLIST.map(({ id, title }) => {
    const evals = input.evaluations.filter((e) => e.checklist === id);
    const fs = input.findings.filter((f) => f.checklist === id);
    const counts = {
      fail: fs.filter((f) => !f.suppressed && f.verdict === 'fail').length,
      warn: fs.filter((f) => !f.suppressed && f.verdict === 'warn').length,
      pass: evals.filter((e) => e.outcome === 'pass').length,
      notApplicable: evals.filter((e) => e.outcome === 'not-applicable').length,
      error: evals.filter((e) => e.outcome === 'error').length,
      suppressed: fs.filter((f) => f.suppressed).length,
    };
    const applicable = evals.some((e) => e.outcome === 'fail' || (e.outcome === 'pass' && !e.weak));
    const inputError = input.inputErrorItems.includes(id);
    const attestation = input.config.attestations.find((a) => a.item === id);
    const expired = attestation !== undefined && isExpired(attestation.expires, now);
    let verdict: ItemVerdict;
    let note: string | undefined;
    if (counts.fail > 0) verdict = 'fail';
    else if (counts.error > 0 || inputError) {
      verdict = 'error';
      note = counts.error > 0 ? 'a rule could not be evaluated' : 'an input that could give evidence for this item could not be read';
    } else if (counts.warn > 0) verdict = 'warn';
    else if (applicable) verdict = 'pass';
    else if (attestation) {
      verdict = expired ? 'fail' : 'manual';
      note = expired ? `attestation by ${attestation.by} expired on ${attestation.expires}` : `attested by ${attestation.by} on ${attestation.date}`;
    } else {
      verdict = 'not-assessed';
      note = 'no input gave evidence for this item';
    }
    // Issue #3: without rotation metadata the rotation half of key-storage is a manual check; say so.
    if (id === 'key-storage' && (verdict === 'pass' || verdict === 'warn' || verdict === 'fail')) {
      const rotationJudged = evals.some((e) => e.ruleId === 'secret-rotation-overdue' && (e.outcome === 'pass' || e.outcome === 'fail'));
      if (!rotationJudged) note = attestation && !expired ? `rotation: attested by ${attestation.by} on ${attestation.date}` : 'rotation: manual (no rotation metadata in the scan; attest it in sandcheck.yaml)';
    }
    // A verdict that rests on an assertion of sandcheck.yaml says so where it is given.
    if (id === 'egress-control' && verdict !== 'not-assessed') note = [note, ...egressAssumptions(input.config.egress)].filter(Boolean).join('; ') || undefined;
    const result: ChecklistResult = { id, title, verdict, counts };
    if (note) result.note = note;
    if (attestation) {
      result.attestation = { by: attestation.by, date: attestation.date, evidence: attestation.evidence, ...(attestation.expires ? { expires: attestation.expires } : {}), expired };
    }
    return result;
  });

  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, active.filter((f) => f.verdict === 'fail' && f.severity === s).length])) as Record<Severity, number>;
  const inputs = {
    parsed: input.inputs.filter((i) => i.status === 'parsed').length,
    skipped: input.inputs.filter((i) => i.status === 'skipped').length,
    error: input.inputs.filter((i) => i.status === 'error').length,
  };
  const recognised = input.recognisedInputs ?? inputs.parsed;
  const gating = active.filter((f) => f.verdict === 'fail' && (input.failOn === 'any' || atLeast(f.severity, input.failOn)));
  const expiredAttestation = checklist.some((c) => c.attestation?.expired && c.verdict === 'fail');
  // Text files alone are "nothing recognisable", unless the secret scan of them failed: a key found is something audited.
  // So is a scan whose recognised inputs all came out empty (only Services, a Kustomization, a Backstage
  // Component…): they were read, but nothing in them can be judged. A catch-all text input always has its
  // one target, so the inputs with none are recognised ones. (Images and live Docker count every input.)
  const empty = input.inputs.filter((i) => i.status === 'parsed' && !i.targets).length;
  const allEmpty = input.recognisedInputs !== undefined && recognised > 0 && empty === recognised;
  const nothingToAudit = (recognised === 0 || allEmpty) && !active.some((f) => f.verdict === 'fail');
  const cannotAudit = inputs.error > 0 || input.errors.length > 0 || nothingToAudit;
  const exitCode: 0 | 1 | 2 = cannotAudit ? 2 : gating.length > 0 || expiredAttestation ? 1 : 0;
  return {
    schemaVersion: 1,
    tool: { name: 'sandcheck', version: VERSION },
    generatedAt: now.toISOString(),
    checklist,
    findings: input.findings,
    inputs: input.inputs,
    errors: input.errors,
    summary: {
      verdict: exitCode === 2 ? 'error' : exitCode === 1 ? 'fail' : 'pass',
      exitCode,
      failOn: input.failOn,
      findings: {
        fail: active.filter((f) => f.verdict === 'fail').length,
        warn: active.filter((f) => f.verdict === 'warn').length,
        suppressed: input.findings.length - active.length,
      },
      bySeverity,
      inputs: { ...inputs, recognised },
      targets: input.targets,
      rules: input.rules,
      evaluations: input.evaluations.length,
    },
    evaluations: input.evaluations,
  };
}
