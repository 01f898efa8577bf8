import type { ImageData } from '../../inputs/image/image-data.js';
import type { RuleFunction, Violation } from '../types.js';

interface Options {
  part: 'env' | 'history' | 'files';
}

/**
 * Secrets the image reader found (with the shared detector) in one part of an image: config Env,
 * history, or the files of every layer (deleted ones included). Each violation carries the secret's
 * fingerprint as evidence, so `secrets.ignore` and baselines apply; never the value.
 */
export const imageSecrets: RuleFunction<Options> = {
  name: 'imageSecrets',
  description: 'Secrets in one part of an image (config Env, history, layer files, deleted or not); reports name, place and fingerprint, never the value.',
  options: {
    type: 'object',
    additionalProperties: false,
    required: ['part'],
    properties: {
      part: { enum: ['env', 'history', 'files'], description: 'Which part of the image: `env` (config Env), `history` (build steps and build args), `files` (files of every layer).' },
    },
  },
  run(_node, options, ctx) {
    const secrets = (ctx.target.data as Partial<ImageData>).secrets?.[options.part] ?? [];
    return secrets.map(
      (s, i): Violation => ({
        pointer: `/secrets/${options.part}/${i}`,
        key: s.fingerprint,
        data: { name: s.name, detector: s.detector, fingerprint: s.fingerprint, where: s.where, state: s.state },
        evidence: { fingerprint: s.fingerprint, detector: s.detector, confidence: s.confidence, name: s.name },
      }),
    );
  },
};
