import type { RuleSet } from '../engine/load-rules.js';

/**
 * Container rules that judge what an image config carries (its USER, its reference). The other
 * container rules judge runtime settings (capabilities, read-only root, seccomp…) that an image cannot
 * carry, so they do not run on the container target built from an image config.
 */
// image-user-group-root targets images and live containers (where /etc/passwd is read): it runs here too.
export const IMAGE_CONTAINER_RULES = new Set(['container-run-as-root', 'container-image-unpinned', 'container-image-latest', 'image-user-group-root']);

export function rulesForImages(set: RuleSet): RuleSet {
  const rules = set.rules.filter((r) => !r.builtin || !r.targets.includes('container') || IMAGE_CONTAINER_RULES.has(r.id));
  return { rules, byId: new Map(rules.map((r) => [r.id, r])), aliases: set.aliases };
}
