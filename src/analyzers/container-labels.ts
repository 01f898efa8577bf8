import type { LabelDetector } from '../inputs/docker/containers.js';
import { classifyPair } from './secrets/index.js';
import { secretDropsWanted } from './secrets/targets.js';

/**
 * The shared secret detector over one label of a live container, with every tier of an env entry
 * (a provider format, a key written as the name, `DB_PASSWORD`-style names): the docker input records
 * what it finds and keeps the label without it. Dropped candidates are collected only for `--debug-secrets`.
 */
export const containerLabelDetector: LabelDetector = (name, value, drops) => {
  const onDrop = drops && secretDropsWanted() ? (d: { detector: string; reason: string; fingerprint: string; name?: string }) => void drops.push({ detector: d.detector, reason: d.reason, fingerprint: d.fingerprint, ...(d.name ? { name: d.name } : {}) }) : undefined;
  return classifyPair(name, value, undefined, onDrop ? { onDrop } : {}).map((h) => ({
    detector: h.detector,
    title: h.title,
    severity: h.severity,
    confidence: h.confidence,
    fingerprint: h.fingerprint,
    ...(h.name === undefined ? {} : { name: h.name }),
  }));
};
