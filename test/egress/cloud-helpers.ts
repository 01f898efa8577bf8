import { expect } from 'vitest';
import { audit } from '../../src/engine/audit.js';
import { loadRules, ruleSetOf } from '../../src/engine/load-rules.js';
import { parseConfig } from '../../src/config/load.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Finding, Report } from '../../src/model/finding.js';
import { ROOT } from '../helpers/fixtures.js';

/** The egress rules, loaded once. */
let egressRules: ReturnType<typeof ruleSetOf> | undefined;
function rules(): ReturnType<typeof ruleSetOf> {
  return (egressRules ??= ruleSetOf(loadRules([], { precompiled: false }).rules.filter((r) => r.checklist === 'egress-control')));
}

/** The allowlist most cloud fixtures are judged against: the API on tcp/443 and one resolver. */
export const ALLOW_YAML = 'egress:\n  allow:\n    - {cidr: 160.79.104.0/23, host: api.anthropic.com, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n';

export interface Scan {
  verdict: string;
  /** `rule verdict file:line`, sorted. */
  findings: string[];
  raw: Finding[];
  report: Report;
}

/** An in-process egress scan of `paths` (relative to the repository) with `configYaml` as sandcheck.yaml. */
export async function scanEgress(paths: string[], configYaml = ALLOW_YAML): Promise<Scan> {
  const collected = await collectPaths(paths, { cwd: ROOT });
  const config = parseConfig(configYaml, 'sandcheck.yaml');
  const report = audit(collected, { rules: rules(), config, failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  const raw = report.findings.filter((f) => f.ruleId.startsWith('egress-'));
  // Every finding is located in an input of the scan (a path judged without a host has no ruleset of its own to fall back on).
  expect(raw.filter((f) => !f.location.file || !paths.some((p) => f.location.file!.startsWith(p)) && !f.location.file.endsWith('sandcheck.yaml')).map((f) => f.location.file)).toEqual([]);
  const item = report.checklist.find((c) => c.id === 'egress-control')!;
  return { verdict: item.verdict, findings: raw.map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw, report };
}
