import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseYamlValue } from 'yaml';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { ruleSetOf, type CompiledRule } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const RULE_FIXTURES = join(ROOT, 'fixtures', 'rules');


export function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((f) => filesUnder(join(path, f)));
}

const ANNOTATION = /^\s*(?:#|\/\/)\s*(expect|todo-expect):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*$/;
const COMMENT = /^\s*(#|\/\/)/;

/**
 * `# expect: <rule-id>` → a finding of that rule must be reported on the next line that is neither a
 * comment nor blank. Files without comments use a sidecar `<name>.expect.yaml`: [{rule, line}].
 * Returns `relative/path:line` strings, sorted.
 */
export function expectedLocations(fixture: string, ruleId: string, cwd: string): string[] {
  const out: string[] = [];
  for (const file of filesUnder(fixture)) {
    if (file.endsWith('.expect.yaml')) continue;
    const rel = relative(cwd, file);
    const sidecar = `${file}.expect.yaml`;
    try {
      const entries = parseYamlValue(readFileSync(sidecar, 'utf8')) as { rule: string; line: number }[];
      for (const e of entries) if (e.rule === ruleId) out.push(`${rel}:${e.line}`);
      continue;
    } catch {
      /* no sidecar */
    }
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((l, i) => {
      const m = ANNOTATION.exec(l);
      if (!m || m[1] !== 'expect' || !m[2]!.split(/\s*,\s*/).includes(ruleId)) return;
      let j = i + 1;
      while (j < lines.length && (COMMENT.test(lines[j]!) || lines[j]!.trim() === '')) j++;
      out.push(`${rel}:${j + 1}`);
    });
  }
  return out.sort();
}

export async function runFixture(rule: CompiledRule, fixture: string, cwd: string, config: SandcheckConfig = structuredClone(DEFAULT_CONFIG)): Promise<Report> {
  const collected = await collectPaths([fixture], { cwd });
  return audit(collected, { rules: ruleSetOf([rule]), config, failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
}
