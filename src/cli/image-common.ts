import type { RuleSet } from '../engine/load-rules.js';

/**
 * Container rules that judge what an image config carries (its USER, its reference). The other
 * container rules judge runtime settings (capabilities, read-only root, seccomp…) that an image cannot
 * carry, so they do not run on the container target built from an image config.
 */
// image-user-group-root targets images and live containers (where /etc/passwd is read): it runs here too.
export const IMAGE_CONTAINER_RULES = new Set(['container-run-as-root', 'container-image-unpinned', 'container-image-latest', 'image-user-group-root']);

/**
 * Built-in rules that list `image` among their targets but do not run on `sandcheck image`, with why.
 * They still run where images are audited next to what uses them (`sandcheck docker --images`).
 */
export const NOT_FOR_IMAGE_COMMAND: ReadonlyMap<string, string> = new Map([
  [
    'secret-key-shared-across-boundaries',
    // It targets images so that, next to live containers, a key baked into an image is named among the
    // places of a shared key ("also outside any trust boundary"); an image itself never counts.
    'an image belongs to no trust boundary: one image is deployed into any number of them, and the boundary is where it runs (a namespace, a compose project, a live container), so key reuse is judged there. A key in an image already fails image-secret-env, image-secret-history or image-secret-layer-file in every image that carries it',
  ],
]);

export function rulesForImages(set: RuleSet): RuleSet {
  const rules = set.rules.filter((r) => !(r.builtin && NOT_FOR_IMAGE_COMMAND.has(r.id)) && (!r.builtin || !r.targets.includes('container') || IMAGE_CONTAINER_RULES.has(r.id)));
  return { rules, byId: new Map(rules.map((r) => [r.id, r])), aliases: set.aliases };
}
