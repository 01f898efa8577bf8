import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/analyzers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { collectFile, emptyCollected, makeSourceFile } from '../../src/inputs/collect.js';
import { HANDLERS } from '../../src/inputs/registry.js';
import { evaluateRules } from '../../src/engine/evaluate.js';
import { buildInventory } from '../../src/engine/inventory.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { ROOT, filesUnder } from '../helpers/fixtures.js';

// Every fixture, mutated (cut, spliced with syntax tokens, lines repeated or dropped, truncated), through
// every handler, the analyzers and every rule. A mutated file may be any verdict or an input error, but
// never an exception that is not an InputError (the collector reports those as "cannot be read: …", a
// crash in disguise), a rule that throws, or a hang. A longer run of the same harness found the
// Terraform parser's loop on a list missing its "]" (fixed in 528927e); seeded, so every run tries the
// same inputs.
const RUNS = 2500;
const TOKENS = ['"', "'", '[', ']', '{', '}', '(', ')', ':', ',', '\n', ' ', '\t', '-', '#', '=', '\\', '$', '${', '*', '&', '!', '|', '>', '<<', '0', '-1', '999999999999', '/', 'null', '~', 'é', '\r\n', '---\n', '%', '@', 'ALL', 'CAP_', '0.0.0.0/0', '::/0', 'COMMIT\n', '-A OUTPUT ', '-j ', '*filter\n', 'table inet f {', 'chain c {'];

function generator(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

describe('mutated fixtures', () => {
  it(`${RUNS} seeded mutations: never a disguised crash, a throwing rule or a hang`, () => {
    const rnd = generator(20261125);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)]!;
    const mutate = (text: string): string => {
      let t = text;
      const n = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 4 : 16));
      for (let k = 0; k < n; k++) {
        const at = Math.floor(rnd() * (t.length + 1));
        const r = rnd();
        const lines = t.split('\n');
        if (r < 0.3) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(rnd() * 20));
        else if (r < 0.6) t = t.slice(0, at) + pick(TOKENS) + t.slice(at);
        else if (r < 0.75) t = [...lines.slice(0, at % lines.length), pick(lines), ...lines.slice(at % lines.length)].join('\n');
        else if (r < 0.85) t = lines.filter((_, i) => i !== at % lines.length).join('\n');
        else t = t.slice(0, at);
      }
      return t;
    };
    const fixtures = filesUnder(join(ROOT, 'fixtures'))
      .map((f) => ({ name: f.slice(ROOT.length + 1), text: readFileSync(f, 'latin1') }))
      .filter((x) => !x.text.includes('\0') && x.text.length < 200_000);
    expect(fixtures.length).toBeGreaterThan(300);
    const rules = loadRules([]).rules;
    const config = loadConfig(undefined);
    const problems: string[] = [];
    for (let run = 0; run < RUNS; run++) {
      const source = pick(fixtures);
      const text = mutate(source.text);
      const started = performance.now();
      const out = emptyCollected();
      collectFile(makeSourceFile(source.name, null, text), HANDLERS, out);
      for (const i of out.inputs) if (i.status === 'error' && i.error?.includes('cannot be read:')) problems.push(`${source.name} (run ${run}): ${i.error}`);
      const inventory = buildInventory(out.targets, out.inputs, config);
      analyze(inventory);
      for (const e of evaluateRules(rules, inventory).errors) problems.push(`${source.name} (run ${run}): ${e.message}`);
      const ms = performance.now() - started;
      if (ms > 5000) problems.push(`${source.name} (run ${run}): ${ms.toFixed(0)} ms`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
