import type { RuleFunction } from '../types.js';

/**
 * Code-backed rule functions, by name (`then: { function: <name> }`). Each module defines one function
 * with a JSON Schema for its options. Register new ones here (one line each).
 */
const FUNCTIONS: RuleFunction<never>[] = [];

export const FUNCTION_REGISTRY: ReadonlyMap<string, RuleFunction<never>> = new Map(FUNCTIONS.map((f) => [f.name, f]));

export function registerFunction(fn: RuleFunction<never>): void {
  (FUNCTION_REGISTRY as Map<string, RuleFunction<never>>).set(fn.name, fn);
}
