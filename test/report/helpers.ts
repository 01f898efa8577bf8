import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv04Module from 'ajv-draft-04';
import addFormatsModule from 'ajv-formats';
import type { Ajv, ValidateFunction } from 'ajv';
import { expect } from 'vitest';
import type { LoadedRule } from '../../src/engine/types.js';
import type { Finding, Report } from '../../src/model/finding.js';
import { CHECKLIST } from '../../src/model/checklist.js';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
// Both are CommonJS; their default exports arrive wrapped under ESM.
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as unknown as new (opts: object) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

let validateSchema: ValidateFunction | undefined;

/**
 * The official OASIS SARIF 2.1.0 schema (errata01, draft-04), kept in the repo: validated with
 * ajv's draft-04 build so `id`/`format` mean what the schema's authors meant.
 */
export function sarifSchemaErrors(log: unknown): string[] {
  if (!validateSchema) {
    const schema = JSON.parse(readFileSync(join(here, 'schemas/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv04({ allErrors: true, strict: false });
    addFormats(ajv);
    validateSchema = ajv.compile(schema);
  }
  const validate = validateSchema;
  if (validate(log)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** Path of Microsoft's SARIF Multitool for this platform, with its run bit set; null if unavailable. */
export function multitoolPath(): { path: string | null; why?: string } {
  let path: string;
  try {
    path = require('@microsoft/sarif-multitool') as string;
  } catch (err) {
    return { path: null, why: `@microsoft/sarif-multitool has no binary for ${process.platform}/${process.arch}: ${(err as Error).message}` };
  }
  try {
    const mode = statSync(path).mode;
    // npm 11 does not run the package's postinstall (chmod u+x), so the bit may be missing.
    if ((mode & 0o100) === 0) chmodSync(path, mode | 0o100);
  } catch (err) {
    return { path: null, why: `cannot make ${path} executable: ${(err as Error).message}` };
  }
  return { path };
}

export interface MultitoolResult {
  errors: string[];
  warnings: string[];
}

/** Runs `Sarif.Multitool validate` (offline: built-in SARIF and GitHub ingestion rules, built-in schema) and returns its error/warning results. */
export function multitoolValidate(sarifText: string): MultitoolResult {
  const { path, why } = multitoolPath();
  if (!path) throw new Error(why);
  const dir = mkdtempSync(join(tmpdir(), 'sandcheck-sarif-'));
  const input = join(dir, 'input.sarif');
  const output = join(dir, 'validation.sarif');
  writeFileSync(input, sarifText);
  // Sarif: the spec's rules; Gh: GitHub code scanning's ingestion rules (what upload-sarif would reject).
  execFileSync(path, ['validate', input, '--output', output, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh'], {
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const log = JSON.parse(readFileSync(output, 'utf8')) as { runs: { results?: { ruleId: string; level?: string; message: { text?: string; id?: string; arguments?: string[] } }[]; invocations?: { executionSuccessful: boolean; toolExecutionNotifications?: { message: { text: string } }[] }[] }[] };
  const run = log.runs[0]!;
  const describe = (r: { ruleId: string; message: { text?: string; id?: string; arguments?: string[] } }): string => `${r.ruleId}: ${r.message.text ?? `${r.message.id} ${JSON.stringify(r.message.arguments ?? [])}`}`;
  const errors = (run.results ?? []).filter((r) => (r.level ?? 'warning') === 'error').map(describe);
  const warnings = (run.results ?? []).filter((r) => (r.level ?? 'warning') === 'warning').map(describe);
  for (const inv of run.invocations ?? []) {
    if (!inv.executionSuccessful) errors.push(`multitool did not run: ${(inv.toolExecutionNotifications ?? []).map((n) => n.message.text).join('; ')}`);
  }
  return { errors, warnings };
}

export function rule(id: string, over: Partial<LoadedRule> = {}): LoadedRule {
  return {
    id,
    title: `Title of ${id}`,
    checklist: 'image-hardening',
    severity: 'high',
    target: 'container',
    message: `message of ${id}`,
    rationale: `Why ${id} matters.`,
    remediation: `Fix ${id} like this.`,
    targets: ['container'],
    givens: [''],
    file: `rules/image-hardening/${id}.yaml`,
    builtin: true,
    ...over,
  };
}

export function finding(ruleId: string, over: Partial<Finding> = {}): Finding {
  return {
    ruleId,
    checklist: 'image-hardening',
    severity: 'high',
    verdict: 'fail',
    title: `Title of ${ruleId}`,
    message: `Container "web" violates ${ruleId}`,
    remediation: `Fix ${ruleId} like this.`,
    target: { kind: 'container', id: 'k8s:default/Deployment/web#container=app', name: 'default/Deployment/web › container app' },
    location: { file: 'deploy/web.yaml', line: 12, column: 9, pointer: '/privileged' },
    fingerprint: `fp-${ruleId}`,
    ...over,
  };
}

/** A Report shaped as aggregate() makes it, from the findings and evaluations given. */
export function makeReport(parts: Partial<Report> & { findings?: Finding[] } = {}): Report {
  const findings = parts.findings ?? [];
  const active = findings.filter((f) => !f.suppressed);
  const exitCode = parts.summary?.exitCode ?? (active.some((f) => f.verdict === 'fail') ? 1 : 0);
  return {
    schemaVersion: 1,
    tool: { name: 'sandcheck', version: '0.1.0' },
    generatedAt: '2026-11-24T05:00:00.000Z',
    checklist:
      parts.checklist ??
      CHECKLIST.map(({ id, title }) => ({
        id,
        title,
        verdict: findings.some((f) => f.checklist === id && !f.suppressed && f.verdict === 'fail') ? 'fail' : 'not-assessed',
        counts: { fail: 0, warn: 0, pass: 0, notApplicable: 0, error: 0, suppressed: 0 },
      })),
    findings,
    inputs: parts.inputs ?? [{ path: 'deploy/web.yaml', format: 'kubernetes', status: 'parsed', targets: 2 }],
    errors: parts.errors ?? [],
    summary: parts.summary ?? {
      verdict: exitCode === 2 ? 'error' : exitCode === 1 ? 'fail' : 'pass',
      exitCode,
      failOn: 'any',
      findings: { fail: active.filter((f) => f.verdict === 'fail').length, warn: active.filter((f) => f.verdict === 'warn').length, suppressed: findings.length - active.length },
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      inputs: { parsed: 1, skipped: 0, error: 0, recognised: 1 },
      targets: 2,
      rules: 2,
      evaluations: parts.evaluations?.length ?? 0,
    },
    evaluations: parts.evaluations ?? [],
  };
}

let multitool: ReturnType<typeof multitoolPath> | undefined;

/**
 * Parses a SARIF log and asserts that both validators accept it: the OASIS schema, and the SARIF
 * Multitool (when it runs here) with zero errors. SARIF2017 (no region) is the one warning allowed: a
 * finding on a whole object, image or file has no line, and none is invented.
 */
export function expectValidSarif(text: string): any {
  const log = JSON.parse(text);
  expect(sarifSchemaErrors(log)).toEqual([]);
  multitool ??= multitoolPath();
  if (multitool.path) {
    const { errors, warnings } = multitoolValidate(text);
    expect(errors).toEqual([]);
    expect(warnings.filter((w) => !w.startsWith('SARIF2017:'))).toEqual([]);
  }
  return log;
}
