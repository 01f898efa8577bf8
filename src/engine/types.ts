import type { ChecklistId } from '../model/checklist.js';
import type { InputRecord } from '../model/finding.js';
import type { Location } from '../model/location.js';
import type { Severity } from '../model/severity.js';
import type { Target, TargetKind } from '../model/target.js';
import type { SandcheckConfig } from '../config/types.js';

/** A rule file after validation (see rule.schema.json for the YAML form). */
export interface RuleDefinition {
  id: string;
  title: string;
  checklist: ChecklistId;
  severity: Severity;
  /** What a violation yields: `fail` (default) or `warn`. */
  verdict?: 'fail' | 'warn';
  status?: 'stable' | 'experimental' | 'deprecated';
  /**
   * false for rules that look for something bad anywhere (a secret in a file): finding nothing does
   * not show that the item is met, so such passes alone leave the item `not-assessed`.
   */
  passIsEvidence?: boolean;
  target: TargetKind | TargetKind[];
  when?: object;
  given?: string | string[];
  assert?: object;
  then?: { function: string; options?: Record<string, unknown> };
  message: string;
  rationale: string;
  remediation: string;
  references?: string[];
  aliases?: string[];
}

export interface LoadedRule extends RuleDefinition {
  targets: TargetKind[];
  givens: string[];
  /** Where the rule was loaded from (for error messages and docs). */
  file: string;
  builtin: boolean;
}

export interface Inventory {
  targets: Target<object>[];
  byKind(kind: TargetKind): Target<object>[];
  byId(id: string): Target<object> | undefined;
  inputs: InputRecord[];
  config: SandcheckConfig;
  /** The audit's one clock: key ages, waiver and ignore expiry, the report's time (fixed in generated docs and tests). */
  now: Date;
}

export interface RuleFunctionContext {
  target: Target<object>;
  inventory: Inventory;
  config: SandcheckConfig;
  rule: LoadedRule;
  /** The pointer of the `given` match the function is looking at. */
  pointer: string;
}

/** What a function returns for each problem. An empty list means the node passes. */
export interface Violation {
  /** Pointer into the target's data; defaults to the given match. Used for the location and the fingerprint. */
  pointer?: string;
  /** Overrides the rule's message (placeholders allowed). */
  message?: string;
  /** Overrides the rule's remediation for this finding, when the fix depends on what was found (placeholders allowed). */
  remediation?: string;
  /** Placeholder values: `{{data.name}}`. Never put a secret value here. */
  data?: Record<string, string | number | boolean>;
  verdict?: 'fail' | 'warn';
  /** Distinguishes several violations at one pointer in the fingerprint (e.g. a secret's fingerprint). */
  key?: string;
  /** Overrides the location resolved from the pointer (e.g. a place in another file). */
  location?: Location;
  evidence?: Record<string, string | number | boolean>;
}

export interface RuleFunction<O = Record<string, unknown>> {
  name: string;
  description: string;
  /** JSON Schema of the options; every property needs a description (checked by the docs test). */
  options: object;
  run(node: unknown, options: O, ctx: RuleFunctionContext): Violation[] | typeof NOT_APPLICABLE;
}

/** A function may also decide it does not apply to a node (e.g. no evidence of that kind). */
export const NOT_APPLICABLE: unique symbol = Symbol('not-applicable');
