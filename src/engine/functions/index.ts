import type { RuleFunction } from '../types.js';
import { egressVerdict } from './egress-verdict.js';
import { committedSecretValues } from './committed-secret-values.js';
import { environmentKeySource } from './environment-key-source.js';
import { keyReuse } from './key-reuse.js';
import { secretLiterals } from './secret-literals.js';
import { secretRotationAge } from './secret-rotation-age.js';
import { secretBuildArgs } from './secret-build-args.js';
import { imageSecrets } from './image-secrets.js';
import { imageSetuid } from './image-setuid.js';
import { capabilitiesKept } from './capabilities-kept.js';

/**
 * Code-backed rule functions, by name (`then: { function: <name> }`). Each module defines one function
 * with a JSON Schema for its options. Register new ones here (one line each).
 */
const FUNCTIONS: RuleFunction<never>[] = [
  egressVerdict as RuleFunction<never>,
  secretLiterals as RuleFunction<never>,
  committedSecretValues as RuleFunction<never>,
  environmentKeySource as RuleFunction<never>,
  secretRotationAge as RuleFunction<never>,
  secretBuildArgs as RuleFunction<never>,
  keyReuse as RuleFunction<never>,
  imageSecrets as RuleFunction<never>,
  imageSetuid as RuleFunction<never>,
  capabilitiesKept as RuleFunction<never>,
];

export const FUNCTION_REGISTRY: ReadonlyMap<string, RuleFunction<never>> = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function registerFunction(fn: RuleFunction<never>): void {
  (FUNCTION_REGISTRY as Map<string, RuleFunction<never>>).set(fn.name, fn);
}
