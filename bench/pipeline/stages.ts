// In-process stage timings of `sandcheck scan FILE --format json` (collect → analyze → evaluate →
// suppress/hooks → aggregate → render), repeated so the later rounds run warm. For finding where the
// manifests bench spends its time; `node bench/pipeline/run.mjs [FILE] [ROUNDS]`.
import { analyze } from '../../src/analyzers/index.js';
import { loadConfig } from '../../src/config/load.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { evaluateRules } from '../../src/engine/evaluate.js';
import { POST_EVALUATION_HOOKS } from '../../src/engine/hooks.js';
import { buildInventory } from '../../src/engine/inventory.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { applyInlineSuppressions } from '../../src/engine/suppress.js';
import { aggregate } from '../../src/report/aggregate.js';
import { renderJson } from '../../src/report/json.js';

const file = process.argv[2] ?? 'bench/out/manifests-2000.yaml';
const rounds = Number(process.argv[3] ?? 3);
const rules = loadRules([]);
const config = loadConfig(undefined);
for (let round = 1; round <= rounds; round++) {
  const t: [string, number][] = [];
  let last = performance.now();
  const mark = (name: string): void => {
    const now = performance.now();
    t.push([name, now - last]);
    last = now;
  };
  const collected = await collectPaths([file]);
  mark('collect');
  const inventory = buildInventory(collected.targets, collected.inputs, config);
  analyze(inventory);
  mark('analyze');
  const result = evaluateRules(rules.rules, inventory);
  mark('evaluate');
  applyInlineSuppressions(result.findings, inventory, rules);
  for (const hook of POST_EVALUATION_HOOKS) hook(result, inventory, { rules, config, failOn: 'any' });
  mark('suppress+hooks');
  const report = aggregate({ findings: result.findings, evaluations: result.evaluations, inputs: collected.inputs, inputErrorItems: [...collected.inputErrorItems], recognisedInputs: collected.recognised, errors: result.errors, failOn: 'any', config, targets: collected.targets.length, rules: rules.rules.length });
  mark('aggregate');
  const text = renderJson(report);
  mark('render json');
  const total = t.reduce((s, [, ms]) => s + ms, 0);
  console.log(`round ${round}: ${t.map(([n, ms]) => `${n} ${ms.toFixed(0)}`).join(', ')}; total ${total.toFixed(0)} ms; ${collected.targets.length} targets, ${result.evaluations.length} evaluations, ${result.findings.length} findings, ${(text.length / 1e6).toFixed(1)} MB JSON`);
}
