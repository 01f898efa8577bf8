import { analyze } from '../analyzers/index.js';
import type { SandcheckConfig } from '../config/types.js';
import type { Collected } from '../inputs/collect.js';
import type { Report } from '../model/finding.js';
import type { Severity } from '../model/severity.js';
import { aggregate } from '../report/aggregate.js';
import { evaluateRules } from './evaluate.js';
import { buildInventory } from './inventory.js';
import type { RuleSet } from './load-rules.js';
import { applyInlineSuppressions } from './suppress.js';
import { POST_EVALUATION_HOOKS } from './hooks.js';
import type { Baseline } from './baseline.js';

export interface AuditOptions {
  rules: RuleSet;
  config: SandcheckConfig;
  failOn: Severity | 'any';
  now?: Date;
  /** `--baseline FILE`: findings recorded there are reported as known (suppressed by the baseline). */
  baseline?: Baseline;
}

/** analyze → evaluate → suppress → aggregate, over targets collected by any front end (files, images, live). */
export function audit(collected: Collected, opts: AuditOptions): Report {
  const now = opts.now ?? new Date();
  const inventory = buildInventory(collected.targets, collected.inputs, opts.config, now);
  analyze(inventory);
  const result = evaluateRules(opts.rules.rules, inventory);
  applyInlineSuppressions(result.findings, inventory, opts.rules);
  for (const hook of POST_EVALUATION_HOOKS) hook(result, inventory, opts);
  return aggregate({
    findings: result.findings,
    evaluations: result.evaluations,
    inputs: collected.inputs,
    inputErrorItems: [...collected.inputErrorItems],
    recognisedInputs: collected.recognised,
    errors: result.errors,
    failOn: opts.failOn,
    config: opts.config,
    targets: collected.targets.length,
    rules: opts.rules.rules.length,
    now,
  });
}
