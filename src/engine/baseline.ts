import { readFileSync, writeFileSync } from 'node:fs';
import { makeParentDirs } from '../util/make-dirs.js';
import { describeJsonSyntaxError, parseJsonInput } from '../inputs/json-error.js';
import type { Finding, Report } from '../model/finding.js';
import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import type { Inventory } from './types.js';
import { compareText } from '../util/compare.js';
import { errnoReason } from '../util/errno-reason.js';

/**
 * A baseline records the findings a team accepts for now, by fingerprint (rule, target, pointer:
 * no line numbers, so it survives edits that move lines). With `--baseline FILE` those findings
 * are reported as suppressed ("known") and only new ones fail. Entries carry the rule, target and
 * file to make review of the baseline file possible; never a value.
 */
export interface BaselineEntry {
  fingerprint: string;
  ruleId: string;
  targetId: string;
  file?: string;
}

export interface Baseline {
  file: string;
  entries: BaselineEntry[];
  /** Fingerprints of baseline entries that matched a finding in this run (filled by applyBaseline). */
  matched: Set<string>;
}

export const BASELINE_FORMAT = 'sandcheck-baseline';

export class BaselineError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'BaselineError';
  }
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new BaselineError(file, `cannot read the baseline: ${errnoReason(err)}`);
  }
  const doc = parseJsonInput(text, (e) => new BaselineError(file, `not JSON: ${describeJsonSyntaxError(e)}`));
  const d = doc as { format?: unknown; version?: unknown; findings?: unknown };
  if (!d || typeof d !== 'object' || d.format !== BASELINE_FORMAT) throw new BaselineError(file, `not a sandcheck baseline (expected "format": "${BASELINE_FORMAT}"; write one with --write-baseline)`);
  if (d.version !== 1) throw new BaselineError(file, `unsupported baseline version ${JSON.stringify(d.version)} (this sandcheck reads version 1)`);
  if (!Array.isArray(d.findings)) throw new BaselineError(file, '"findings" must be a list');
  const entries: BaselineEntry[] = d.findings.map((e: unknown, i: number) => {
    const x = e as Partial<BaselineEntry>;
    if (!x || typeof x.fingerprint !== 'string' || typeof x.ruleId !== 'string') throw new BaselineError(file, `findings[${i}] needs a "fingerprint" and a "ruleId"`);
    return { fingerprint: x.fingerprint, ruleId: x.ruleId, targetId: String(x.targetId ?? ''), ...(x.file ? { file: x.file } : {}) };
  });
  return { file, entries, matched: new Set() };
}

/** Hook: findings whose (rule, fingerprint) is in the baseline become suppressed by the baseline. */
export function applyBaseline(result: EvaluationResult, _inventory: Inventory, opts: AuditOptions): void {
  const baseline = opts.baseline;
  if (!baseline) return;
  const known = new Map(baseline.entries.map((e) => [key(e.ruleId, e.fingerprint), e]));
  for (const f of result.findings) {
    if (f.suppressed) continue;
    const e = known.get(key(f.ruleId, f.fingerprint));
    if (!e) continue;
    baseline.matched.add(key(e.ruleId, e.fingerprint));
    f.suppressed = { by: 'baseline', reason: `known: recorded in the baseline ${baseline.file}` };
  }
}

/** Entries that no longer match a finding (fixed, or the object was renamed): worth pruning. */
export function staleEntries(baseline: Baseline): BaselineEntry[] {
  return baseline.entries.filter((e) => !baseline.matched.has(key(e.ruleId, e.fingerprint)));
}

/**
 * Records every finding that is not suppressed inline or by a waiver (those have their own,
 * reviewed justification). Sorted, without line numbers or timestamps, so rewriting an unchanged
 * baseline gives the same bytes and a reviewable diff.
 */
export function renderBaseline(report: Report): string {
  const entries = new Map<string, BaselineEntry>();
  for (const f of report.findings) {
    if (f.suppressed && f.suppressed.by !== 'baseline') continue;
    entries.set(key(f.ruleId, f.fingerprint), entryOf(f));
  }
  const findings = [...entries.values()].sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.targetId, b.targetId) || compareText(a.fingerprint, b.fingerprint));
  return JSON.stringify({ format: BASELINE_FORMAT, version: 1, tool: `${report.tool.name} ${report.tool.version}`, findings }, null, 2) + '\n';
}

export function writeBaseline(file: string, report: Report): number {
  const text = renderBaseline(report);
  try {
    // As for --output: a CI job names `.sandcheck/baseline.json` before anything made the folder.
    makeParentDirs(file);
    writeFileSync(file, text);
  } catch (err) {
    throw new BaselineError(file, `cannot write the baseline: ${errnoReason(err)}`);
  }
  return (JSON.parse(text) as { findings: unknown[] }).findings.length;
}

function entryOf(f: Finding): BaselineEntry {
  return { fingerprint: f.fingerprint, ruleId: f.ruleId, targetId: f.target.id, ...(f.location.file ? { file: f.location.file } : f.location.uri ? { file: f.location.uri } : {}) };
}

function key(ruleId: string, fingerprint: string): string {
  return `${ruleId}\u0000${fingerprint}`;
}
