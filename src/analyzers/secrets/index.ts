/**
 * Secret detection (secret-notes.md §4). Two entry points:
 * - scanText: provider-format rules over free text (any file, comments, layer files);
 * - classifyPair: every tier over a (name, value) pair read from a file's structure.
 * Results carry a fingerprint, never the value or its length.
 */
export { scanText, candidateRules } from './scan-text.js';
export { classifyPair, type PairPosition } from './classify.js';
export { fingerprint, FINGERPRINT_PATTERN } from './fingerprint.js';
export { PROVIDER_RULES, PROVIDER_RULE_IDS, type ProviderRule } from './provider-rules.js';
export { canonicalName, isAnthropicKeyName, isEnvironmentKeyName, secretNameKind } from './names.js';
export { isReference, isPlaceholder, commonDropReason, genericDropReason, type DropReason } from './false-positives.js';
export type { SecretHit, DroppedCandidate, ScanOptions } from './types.js';

/** Every detector id a SecretHit can carry. */
export const DETECTOR_IDS = ['anthropic-environment-key', 'anthropic-key-variable', 'generic-secret'] as const;
