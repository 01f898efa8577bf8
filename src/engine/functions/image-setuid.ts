import type { ImageData } from '../../inputs/image/image-data.js';
import type { RuleFunction, Violation } from '../types.js';

interface Options {
  allow?: string[];
}

/**
 * setuid/setgid programs and files with capabilities in the image's final filesystem, except the
 * allowed paths (a base distribution's usual set). A file capability is reported even on an allowed
 * path: base distributions ship none of those programs with capabilities by default.
 */
export const imageSetuid: RuleFunction<Options> = {
  name: 'imageSetuid',
  description: 'setuid/setgid programs and file capabilities in the final filesystem of an image, beyond an allow-list of paths.',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      allow: { type: 'array', items: { type: 'string', pattern: '^/' }, description: 'Absolute paths whose setuid/setgid bit is expected (the base distribution set).' },
    },
  },
  run(_node, options, ctx) {
    const allow = new Set(options.allow ?? []);
    const out: Violation[] = [];
    ((ctx.target.data as Partial<ImageData>).setuid ?? []).forEach((s, i) => {
      if (allow.has(s.path) && !s.fileCaps) return;
      const what = [s.setuid ? 'setuid' : null, s.setgid ? 'setgid' : null, s.fileCaps ? 'file capabilities' : null].filter(Boolean).join(', ');
      out.push({ pointer: `/setuid/${i}`, key: s.path, data: { path: s.path, layer: s.layer, mode: s.mode, what } });
    });
    return out;
  },
};
