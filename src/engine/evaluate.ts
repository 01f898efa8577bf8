import type { Evaluation, Finding } from '../model/finding.js';
import { locate, type Target } from '../model/target.js';
import { deepestError } from './ajv.js';
import { findingFingerprint } from './fingerprint.js';
import { interpolate } from './interpolate.js';
import type { CompiledRule } from './load-rules.js';
import { expandPointer, getAtPointer } from './pointer.js';
import { NOT_APPLICABLE, type Inventory, type Violation } from './types.js';

export interface EvaluationResult {
  findings: Finding[];
  evaluations: Evaluation[];
  errors: { message: string; ruleId: string; targetId: string; file?: string }[];
}

/** Runs every rule over every target of its kinds. Every evaluation is recorded, not only failures. */
export function evaluateRules(rules: CompiledRule[], inventory: Inventory): EvaluationResult {
  const result: EvaluationResult = { findings: [], evaluations: [], errors: [] };
  for (const rule of rules) {
    for (const kind of rule.targets) {
      for (const target of inventory.byKind(kind)) evaluateOne(rule, target, inventory, result);
    }
  }
  return result;
}

// About 40 evaluations per workload are recorded: one plain object each, no closure or spread.
function record(out: EvaluationResult, rule: CompiledRule, target: Target<object>, outcome: Evaluation['outcome'], error?: string): void {
  const e: Evaluation = { ruleId: rule.id, checklist: rule.checklist, targetId: target.id, targetName: target.name, outcome };
  if (error) e.error = error;
  if (outcome === 'pass' && rule.passIsEvidence === false) e.weak = true;
  out.evaluations.push(e);
}

function evaluateOne(rule: CompiledRule, target: Target<object>, inventory: Inventory, out: EvaluationResult): void {
  if (rule.whenFn && !rule.whenFn(target.data)) return record(out, rule, target, 'not-applicable');

  const violations: { v: Violation; matchPointer: string; node: unknown }[] = [];
  let applicable = false;
  try {
    for (const given of rule.givens) {
      for (const match of expandPointer(target.data, given)) {
        if (rule.assertFn) {
          applicable = true;
          if (!rule.assertFn(match.node)) {
            const e = deepestError(rule.assertFn.errors ?? []);
            violations.push({ v: { pointer: match.pointer + e.instancePath }, matchPointer: match.pointer, node: match.node });
          }
        } else if (rule.fn) {
          const res = rule.fn.run(match.node, (rule.then?.options ?? {}) as Record<string, unknown>, {
            target,
            inventory,
            config: inventory.config,
            rule,
            pointer: match.pointer,
          });
          if (res === NOT_APPLICABLE) continue;
          applicable = true;
          for (const v of res) violations.push({ v, matchPointer: match.pointer, node: match.node });
        }
      }
    }
    // A given that matched nothing means nothing violates (e.g. no added capabilities): a pass.
    if (rule.assertFn && !applicable) applicable = true;
  } catch (err) {
    const message = `rule ${rule.id} failed on ${target.name}${target.file ? ` (${target.file})` : ''}: ${(err as Error).message}`;
    out.errors.push({ message, ruleId: rule.id, targetId: target.id, file: target.file });
    return record(out, rule, target, 'error', message);
  }
  if (!applicable) return record(out, rule, target, 'not-applicable');
  if (violations.length === 0) return record(out, rule, target, 'pass');
  record(out, rule, target, 'fail');
  for (const { v, matchPointer, node } of violations) {
    const pointer = v.pointer ?? matchPointer;
    const location = v.location ?? locate(target, pointer);
    const scope = {
      target: { name: target.name, id: target.id, kind: target.kind, platform: target.platform },
      node,
      value: getAtPointer(target.data, pointer),
      data: v.data,
      field: pointer.split('/').pop(),
      pointer,
      nodePointer: matchPointer,
    };
    out.findings.push({
      ruleId: rule.id,
      checklist: rule.checklist,
      severity: rule.severity,
      verdict: v.verdict ?? rule.verdict ?? 'fail',
      title: rule.title,
      message: interpolate(v.message ?? rule.message, scope),
      remediation: interpolate(v.remediation ?? rule.remediation, scope),
      target: { kind: target.kind, id: target.id, name: target.name },
      location: { ...location, pointer: location.pointer ?? pointer },
      fingerprint: findingFingerprint(rule.id, target.id, pointer, v.key),
      ...(v.evidence ? { evidence: v.evidence } : {}),
    });
  }
}
