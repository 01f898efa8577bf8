import { sha256Hex } from '../util/sha256.js';

/** Stable across line moves: rule, target id, the pointer inside the target, and a discriminator. */
export function findingFingerprint(ruleId: string, targetId: string, pointer: string, key = ''): string {
  return sha256Hex(`${ruleId}|${targetId}|${pointer}|${key}`).slice(0, 16);
}
