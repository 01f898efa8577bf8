import { createHash } from 'node:crypto';

/** Stable across line moves: rule, target id, the pointer inside the target, and a discriminator. */
export function findingFingerprint(ruleId: string, targetId: string, pointer: string, key = ''): string {
  return createHash('sha256').update(`${ruleId}|${targetId}|${pointer}|${key}`).digest('hex').slice(0, 16);
}
