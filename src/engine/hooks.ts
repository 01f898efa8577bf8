import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import type { Inventory } from './types.js';
import { applyBaseline } from './baseline.js';
import { applySecretIgnores } from './secret-ignores.js';
import { reportSuppressionsWithoutReason } from './suppression-findings.js';
import { reportUnmatchedTrustBoundaries } from './trust-boundary-findings.js';
import { applyWaivers } from './waivers.js';

/**
 * Steps after rule evaluation and inline suppression, before aggregation: config waivers, secret
 * fingerprint ignores, baselines. Each may mark findings suppressed or add findings/errors.
 */
export type PostEvaluationHook = (result: EvaluationResult, inventory: Inventory, opts: AuditOptions) => void;

export const POST_EVALUATION_HOOKS: PostEvaluationHook[] = [
  // Order matters: reasonless suppressions become findings first, so waivers and baselines cover them too.
  reportSuppressionsWithoutReason,
  reportUnmatchedTrustBoundaries,
  applyWaivers,
  applySecretIgnores,
  applyBaseline,
];
