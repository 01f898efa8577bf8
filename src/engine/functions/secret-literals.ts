import { reportableSecretsOf } from '../../analyzers/secrets/targets.js';
import type { RuleFunction, Violation } from '../types.js';

interface Options {
  detectors?: string[];
  exclude?: string[];
}

/**
 * Reports secrets written as literal values in the target (env values, env-file entries, ENV/ARG
 * defaults, RUN lines, ConfigMap and Secret data, any text file). `detectors` keeps only those
 * detector ids; `exclude` drops some. The violation carries the secret's fingerprint, never its value.
 */
export const secretLiterals: RuleFunction<Options> = {
  name: 'secretLiterals',
  description: 'Secrets written as literal values in the target, by detector id; reports name, fingerprint and location, never the value.',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: {
      detectors: { type: 'array', items: { type: 'string' }, description: 'Detector ids to report (default: all).' },
      exclude: { type: 'array', items: { type: 'string' }, description: 'Detector ids not to report.' },
    },
  },
  run(_node, options, ctx) {
    const out: Violation[] = [];
    // The n-th occurrence of one secret at one pointer, not its line: fingerprints survive line moves.
    const seen = new Map<string, number>();
    for (const s of reportableSecretsOf(ctx.target, ctx.inventory)) {
      if (options.detectors && !options.detectors.includes(s.detector)) continue;
      if (options.exclude?.includes(s.detector)) continue;
      const name = s.name ?? ctx.target.name;
      out.push({
        pointer: s.pointer,
        location: s.location,
        key: `${s.fingerprint}#${occurrence(seen, `${s.pointer}|${s.fingerprint}`)}`,
        data: { name, what: s.title, where: s.where, fingerprint: s.fingerprint, detector: s.detector },
        evidence: { fingerprint: s.fingerprint, detector: s.detector, confidence: s.confidence, name },
      });
    }
    return out;
  },
};

function occurrence(seen: Map<string, number>, k: string): number {
  const n = seen.get(k) ?? 0;
  seen.set(k, n + 1);
  return n;
}
