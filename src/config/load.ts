import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { createAjv, describeAjvError, leafErrors, withoutTypoShadows } from '../engine/ajv.js';
import { checkDuplicates, checkEgressAddresses } from './semantic-checks.js';
import { errnoReason } from '../util/errno-reason.js';
import { unknownWaiverRules, type KnownRules } from './check-rules.js';
import { precompiledConfigValidator } from '../engine/precompiled.js';
import { InputError } from '../inputs/types.js';
import { parseYaml } from '../util/yaml-source.js';
import { CONFIG_SCHEMA } from './schema.js';
import { DEFAULT_CONFIG, type BoundaryLines, type SandcheckConfig, type TrustBoundary } from './types.js';
import { LocatedError, combineErrors } from '../model/located-error.js';

export const DEFAULT_CONFIG_FILE = 'sandcheck.yaml';

/** An invalid config (exit 2): `file:line:col: reason` of the first problem, with every other one listed after it (one run shows them all). */
export class ConfigError extends LocatedError {}

let validate: ValidateFunction | undefined;

/**
 * `--config FILE` (must exist), else ./sandcheck.yaml if present, else the defaults. With `rules`, a
 * waiver naming no known rule is one more problem of the file, reported with the schema's.
 */
export function loadConfig(explicit?: string, cwd = process.cwd(), rules?: KnownRules): SandcheckConfig {
  const file = explicit ? resolve(cwd, explicit) : resolve(cwd, DEFAULT_CONFIG_FILE);
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError(explicit, 'config file does not exist');
    return structuredClone(DEFAULT_CONFIG);
  }
  // Relative to the working directory (`../sandcheck.yaml`), but a folder above it (`--config /tmp`) by its
  // absolute path: `../..` names nothing a reader recognises.
  const rel = relative(cwd, file);
  const shown = rel && !rel.split(sep).every((s) => s === '..') ? rel : file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(shown, `cannot read: ${errnoReason(err)}`);
  }
  return parseConfig(text, shown, rules);
}

export function parseConfig(text: string, shown: string, rules?: KnownRules): SandcheckConfig {
  let parsed;
  try {
    parsed = parseYaml(text, shown, { uniqueKeys: true });
  } catch (err) {
    if (err instanceof InputError) throw new ConfigError(shown, err.reason, err.line, err.column);
    throw err;
  }
  const doc = parsed.docs[0];
  const value = doc?.value ?? {};
  if (parsed.docs.length > 1) throw new ConfigError(shown, 'the config holds exactly one YAML document');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(shown, 'the config must be a mapping', 1, 1);
  validate ??= precompiledConfigValidator() ?? createAjv().compile(CONFIG_SCHEMA);
  const problems: LocatedError[] = [];
  const at = (path: (string | number)[], reason: string): void => {
    const pos = doc!.positionOf(path);
    problems.push(new LocatedError(shown, reason, pos.line, pos.column));
  };
  if (!validate(value)) {
    for (const e of leafErrors(withoutTypoShadows(validate.errors!, CONFIG_SCHEMA))) {
      let path = e.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      if (e.keyword === 'additionalProperties') path = [...path, (e.params as { additionalProperty: string }).additionalProperty];
      at(path, describeAjvError(e, CONFIG_SCHEMA));
    }
  }
  for (const p of [...checkEgressAddresses((value as { egress?: unknown }).egress), ...checkDuplicates(value)]) at(p.path, `${pointerText(p.path)}: ${p.reason}`);
  if (rules) {
    for (const p of unknownWaiverRules((value as { waivers?: unknown }).waivers, rules)) at(p.path, `${pointerText(p.path)}: ${p.reason}`);
  }
  if (problems.length) throw combineErrors(problems, (...a) => new ConfigError(...a));
  const v = value as Partial<SandcheckConfig>;
  return {
    file: shown,
    waivers: v.waivers ?? [],
    attestations: v.attestations ?? [],
    trustBoundaries: v.trustBoundaries ?? [],
    exclude: v.exclude ?? [],
    keys: { maxAgeDays: v.keys?.maxAgeDays ?? DEFAULT_CONFIG.keys.maxAgeDays },
    secrets: { ignore: v.secrets?.ignore ?? [] },
    ...(v.egress ? { egress: v.egress } : {}),
    lines: {
      trustBoundaries: (v.trustBoundaries ?? []).map((b, i) => boundaryLines(b, i, (path) => doc!.positionOf(path).line)),
      attestations: (v.attestations ?? []).map((_, i) => doc!.positionOf(['attestations', i]).line),
    },
  };
}

function pointerText(path: (string | number)[]): string {
  return '/' + path.join('/');
}

/** Lines of each trust boundary's selectors, so that a selector matching nothing can be named at its line. */
function boundaryLines(b: TrustBoundary, i: number, lineOf: (path: (string | number)[]) => number): BoundaryLines {
  const at = ['trustBoundaries', i];
  return {
    namespaces: (b.namespaces ?? []).map((_, j) => lineOf([...at, 'namespaces', j])),
    ...(b.labels ? { labels: lineOf([...at, 'labels']) } : {}),
    paths: (b.paths ?? []).map((_, j) => lineOf([...at, 'paths', j])),
  };
}
