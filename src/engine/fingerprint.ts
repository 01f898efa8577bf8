import * as crypto from 'node:crypto';

// One-shot crypto.hash (Node >= 20.12) skips a Hash object per finding; same digest as createHash.
const sha256Hex: (data: string) => string =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (data) => (crypto as unknown as { hash(alg: string, data: string, enc: 'hex'): string }).hash('sha256', data, 'hex')
    : (data) => crypto.createHash('sha256').update(data).digest('hex');

/** Stable across line moves: rule, target id, the pointer inside the target, and a discriminator. */
export function findingFingerprint(ruleId: string, targetId: string, pointer: string, key = ''): string {
  return sha256Hex(`${ruleId}|${targetId}|${pointer}|${key}`).slice(0, 16);
}
