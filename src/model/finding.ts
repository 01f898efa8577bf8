import type { ChecklistId, ItemVerdict } from './checklist.js';
import type { Location } from './location.js';
import type { Severity } from './severity.js';
import type { TargetKind } from './target.js';

export interface FindingTarget {
  kind: TargetKind;
  id: string;
  name: string;
}

export interface Finding {
  ruleId: string;
  checklist: ChecklistId;
  severity: Severity;
  verdict: 'fail' | 'warn';
  title: string;
  message: string;
  remediation: string;
  target: FindingTarget;
  location: Location;
  /** sha256(ruleId|targetId|pointer|key) prefix; independent of line numbers. */
  fingerprint: string;
  /** Extra facts for the reader (never a secret value). */
  evidence?: Record<string, string | number | boolean>;
  suppressed?: { by: 'inline' | 'waiver' | 'baseline'; reason: string; expires?: string };
}

export type Outcome = 'pass' | 'fail' | 'not-applicable' | 'error';

export interface Evaluation {
  ruleId: string;
  checklist: ChecklistId;
  targetId: string;
  /** The target as reports show it (`ns/Deployment/web › container app`). */
  targetName?: string;
  outcome: Outcome;
  error?: string;
  /** A pass of a rule with passIsEvidence: false (it does not make its item pass). */
  weak?: true;
}

export type InputStatus = 'parsed' | 'skipped' | 'error';

export interface SkippedObject {
  kind: string;
  name: string;
  line?: number;
  reason: string;
}

export interface InputRecord {
  path: string;
  format: string | null;
  status: InputStatus;
  /** Why it was skipped, or the error (file and reason). */
  error?: string;
  reason?: string;
  line?: number;
  targets?: number;
  skippedObjects?: SkippedObject[];
}

export interface ChecklistResult {
  id: ChecklistId;
  title: string;
  verdict: ItemVerdict;
  counts: { fail: number; warn: number; pass: number; notApplicable: number; error: number; suppressed: number };
  /** Why the verdict is what it is, when it is not obvious (not-assessed, manual, error). */
  note?: string;
  attestation?: { by: string; date: string; evidence: string; expires?: string; expired: boolean };
}

export interface Report {
  schemaVersion: 1;
  tool: { name: 'sandcheck'; version: string };
  generatedAt: string;
  checklist: ChecklistResult[];
  findings: Finding[];
  inputs: InputRecord[];
  /** Run-level problems that are not tied to one input (rule function errors, bad config). */
  errors: { message: string; ruleId?: string; targetId?: string; file?: string }[];
  summary: {
    verdict: 'pass' | 'fail' | 'error';
    exitCode: 0 | 1 | 2;
    failOn: string;
    findings: { fail: number; warn: number; suppressed: number };
    bySeverity: Record<Severity, number>;
    /** recognised: parsed inputs of a specific format (a text file only scanned for secrets does not count). */
    inputs: { parsed: number; skipped: number; error: number; recognised: number };
    targets: number;
    rules: number;
    evaluations: number;
  };
  /** Evaluations are kept for reporters that need them (JUnit); omitted from JSON unless asked. */
  evaluations?: Evaluation[];
}
