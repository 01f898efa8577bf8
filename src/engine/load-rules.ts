import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Ajv, ValidateFunction } from 'ajv';
import { InputError } from '../inputs/types.js';
import { packageRoot } from '../util/package-root.js';
import { parseYaml } from '../util/yaml-source.js';
import { createAjv, describeAjvError, leafErrors } from './ajv.js';
import { combineErrors } from '../model/located-error.js';
import { FUNCTION_REGISTRY } from './functions/index.js';
import { loadPrecompiled } from './precompiled.js';
import { RULE_SCHEMA } from './rule-schema.js';
import type { LoadedRule, RuleDefinition, RuleFunction } from './types.js';
import { LocatedError } from '../model/located-error.js';
import { compareText } from '../util/compare.js';
import { errnoReason } from '../util/errno-reason.js';
import { shownPath } from '../util/shown-path.js';
import { ENGINE_CHECK_IDS } from './engine-checks.js';

/** A rule file that cannot be used: `file:line:col: reason`. The CLI exits 2 before scanning. */
export class RuleLoadError extends LocatedError {}

/** Line and column of a field of a rule file, for a problem found once every rule is loaded (a duplicate id). */
function positionIn(file: string, path: (string | number)[]): [number?, number?] {
  try {
    const p = parseYaml(readFileSync(file, 'utf8'), file).docs[0]?.positionOf(path);
    return p ? [p.line, p.column] : [];
  } catch {
    return [];
  }
}

export interface CompiledRule extends LoadedRule {
  whenFn?: ValidateFunction;
  assertFn?: ValidateFunction;
  fn?: RuleFunction<Record<string, unknown>>;
}

// Created on first use: with the precompiled built-in rules, a scan never compiles a schema.
let ajvInstance: Ajv | undefined;
const ajv = (): Ajv => (ajvInstance ??= createAjv());
let validateRuleFile: ValidateFunction | undefined;

export function builtinRulesDir(): string {
  return join(packageRoot(), 'rules');
}

export function listRuleFiles(dir: string): string[] {
  const out: string[] = [];
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
  } catch (err) {
    throw new RuleLoadError(dir, `cannot read rule folder: ${errnoReason(err)}`);
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    const isDir = e.isDirectory() || (e.isSymbolicLink() && statSync(full).isDirectory());
    if (isDir) out.push(...listRuleFiles(full));
    else if (/\.ya?ml$/i.test(e.name)) out.push(full);
  }
  return out;
}

/** Parses and validates one rule file; throws RuleLoadError pointing at the offending line. */
export function loadRuleFile(file: string, builtin: boolean): CompiledRule {
  const shown = shownPath(file);
  let parsed;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'), shown, { uniqueKeys: true });
  } catch (err) {
    if (err instanceof InputError) throw new RuleLoadError(shown, err.reason, err.line, err.column);
    throw new RuleLoadError(shown, (err as Error).message);
  }
  const doc = parsed.docs[0];
  if (!doc || parsed.docs.length !== 1) throw new RuleLoadError(shown, 'a rule file holds exactly one YAML document');
  validateRuleFile ??= ajv().compile(RULE_SCHEMA);
  const def = doc.value as RuleDefinition;
  if (!validateRuleFile(def)) {
    const all = validateRuleFile.errors ?? [];
    // Concrete errors, each once. An unknown key explains a missing one beside it (`severty:` also
    // makes `severity` missing): the typo is what to point at. The top-level oneOf (assert xor then)
    // only when nothing else is wrong.
    const typoAt = new Set(all.filter((x) => x.keyword === 'additionalProperties').map((x) => x.instancePath));
    let errors = leafErrors(all.filter((x) => x.keyword !== 'oneOf' && x.keyword !== 'anyOf' && !x.schemaPath.startsWith('#/oneOf/'))).filter((x) => !(x.keyword === 'required' && typoAt.has(x.instancePath)));
    if (errors.length === 0) errors = all.filter((x) => x.keyword === 'oneOf' && x.instancePath === '').slice(0, 1);
    if (errors.length === 0) errors = all.slice(0, 1);
    const problems = errors.map((e) => {
      let path = e.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
      if (e.keyword === 'additionalProperties') path = [...path, (e.params as { additionalProperty: string }).additionalProperty];
      const pos = doc.positionOf(path);
      const reason = e.keyword === 'oneOf' && e.instancePath === '' ? 'a rule needs exactly one of `assert` or `then`' : describeAjvError(e, RULE_SCHEMA);
      return new RuleLoadError(shown, reason, pos.line, pos.column);
    });
    throw combineErrors(problems, (...a) => new RuleLoadError(...a));
  }
  const at = (path: (string | number)[]) => doc.positionOf(path);
  const rule: CompiledRule = {
    ...def,
    // A folded block (`rationale: >`) ends in a newline that reports would carry into every finding.
    title: def.title.trim(),
    message: def.message.trim(),
    rationale: def.rationale.trim(),
    remediation: def.remediation.trim(),
    targets: Array.isArray(def.target) ? def.target : [def.target],
    givens: def.given === undefined ? [''] : Array.isArray(def.given) ? def.given : [def.given],
    file: shown,
    builtin,
  };
  const compile = (schema: object, key: 'when' | 'assert') => {
    try {
      return ajv().compile(schema);
    } catch (err) {
      const p = at([key]);
      throw new RuleLoadError(shown, `${key} is not a valid JSON Schema: ${(err as Error).message}`, p.line, p.column);
    }
  };
  if (def.when) rule.whenFn = compile(def.when, 'when');
  if (def.assert) rule.assertFn = compile(def.assert, 'assert');
  if (def.then) {
    const fn = FUNCTION_REGISTRY.get(def.then.function) as RuleFunction<Record<string, unknown>> | undefined;
    if (!fn) {
      const p = at(['then', 'function']);
      const known = [...FUNCTION_REGISTRY.keys()].sort().join(', ') || 'none';
      throw new RuleLoadError(shown, `unknown function "${def.then.function}" (known: ${known})`, p.line, p.column);
    }
    let validateOptions: ValidateFunction;
    try {
      validateOptions = ajv().compile(fn.options);
    } catch (err) {
      throw new RuleLoadError(shown, `function ${fn.name} has an invalid options schema: ${(err as Error).message}`);
    }
    const options = def.then.options ?? {};
    if (!validateOptions(options)) {
      const e = validateOptions.errors![0]!;
      const sub = e.instancePath.split('/').slice(1);
      const path = e.keyword === 'additionalProperties' ? [...sub, (e.params as { additionalProperty: string }).additionalProperty] : sub;
      const p = at(['then', 'options', ...path]);
      throw new RuleLoadError(shown, `function ${fn.name} options ${describeAjvError(e, fn.options)}`, p.line, p.column);
    }
    rule.fn = fn;
  }
  return rule;
}

export interface RuleSet {
  rules: CompiledRule[];
  byId: Map<string, CompiledRule>;
  /** alias → current id */
  aliases: Map<string, string>;
}

/** Built-in rules plus every user folder; ids and aliases must be unique across all of them. */
export function loadRules(userDirs: string[] = [], options: { builtin?: boolean; precompiled?: boolean } = {}): RuleSet {
  const files: [string, boolean][] = [];
  let precompiled: CompiledRule[] | null = null;
  if (options.builtin !== false) {
    let builtinFiles: string[] | undefined;
    const listBuiltin = () => (builtinFiles ??= listRuleFiles(builtinRulesDir()));
    precompiled = options.precompiled === false ? null : loadPrecompiled(listBuiltin);
    if (!precompiled) for (const f of listBuiltin()) files.push([f, true]);
  }
  for (const dir of userDirs) {
    let st;
    try {
      st = statSync(dir);
    } catch {
      throw new RuleLoadError(dir, 'rule folder does not exist');
    }
    if (!st.isDirectory()) throw new RuleLoadError(dir, 'not a folder (--rules takes a folder of rule YAML files)');
    for (const f of listRuleFiles(dir)) files.push([f, false]);
  }
  // Every file is read before failing, so that one run lists every broken rule.
  const problems: RuleLoadError[] = [];
  const loaded = files.flatMap(([f, builtin]) => {
    try {
      return [loadRuleFile(f, builtin)];
    } catch (err) {
      if (!(err instanceof RuleLoadError)) throw err;
      problems.push(err);
      return [];
    }
  });
  if (problems.length) throw combineErrors(problems, (...a) => new RuleLoadError(...a));
  const rules = [...(precompiled ?? []), ...loaded];
  const byId = new Map<string, CompiledRule>();
  const aliases = new Map<string, string>();
  for (const r of rules) {
    const clash = byId.get(r.id) ?? (aliases.has(r.id) ? byId.get(aliases.get(r.id)!) : undefined);
    if (clash) throw new RuleLoadError(r.file, `duplicate rule id "${r.id}" (also in ${clash.file})`, ...positionIn(r.file, ['id']));
    // Reports, waivers and `explain` name the engine's own checks by these ids.
    if (ENGINE_CHECK_IDS.includes(r.id)) throw new RuleLoadError(r.file, `rule id "${r.id}" is the id of a check sandcheck makes itself (see \`sandcheck rules\`)`, ...positionIn(r.file, ['id']));
    byId.set(r.id, r);
  }
  for (const r of rules) {
    for (const a of r.aliases ?? []) {
      if (byId.has(a) || aliases.has(a) || ENGINE_CHECK_IDS.includes(a)) throw new RuleLoadError(r.file, `alias "${a}" collides with another rule id or alias`, ...positionIn(r.file, ['aliases', (r.aliases ?? []).indexOf(a)]));
      aliases.set(a, r.id);
    }
  }
  return { rules: rules.sort((a, b) => compareText(a.id, b.id)), byId, aliases };
}

/** A rule set of just these rules (tests and docs run one rule on its fixtures). */
export function ruleSetOf(rules: CompiledRule[]): RuleSet {
  const aliases = new Map<string, string>();
  for (const r of rules) for (const a of r.aliases ?? []) aliases.set(a, r.id);
  return { rules, byId: new Map(rules.map((r) => [r.id, r])), aliases };
}
