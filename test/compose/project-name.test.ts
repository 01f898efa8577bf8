import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';
import type { Target } from '../../src/model/target.js';
import { ROOT } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/cli.js';

/**
 * compose.yaml + compose.override.yaml with a top-level `name:` in only one of them: docker compose runs
 * one project (the override's `name:` wins, else the base's), so every target of the pair — services,
 * their egress, the files' secrets and configs — belongs to that one project and trust boundary, and the
 * network attachment is judged on the merged pair.
 */

const RULES = loadRules();
const KEY = readFileSync(join(ROOT, 'fixtures/rules/secret-environment-key-unmanaged/fail-compose-secrets/secrets/env_key.txt'), 'utf8').trim();
const IMAGE = 'registry.example/w@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a';

function pair(base: string, override: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(dir, 'p', 'compose.yaml'), base);
  writeFileSync(join(dir, 'p', 'compose.override.yaml'), override);
  writeFileSync(join(dir, 'p', 'k.txt'), `${KEY}\n`);
  return dir;
}

async function scan(dir: string): Promise<{ targets: Target<object>[]; report: Report }> {
  const collected = await collectPaths(['p'], { cwd: dir });
  const targets = [...collected.targets];
  const report = audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  return { targets, report };
}

const compose = (ts: Target<object>[]) => ts.filter((t) => t.platform === 'compose');

/** The key twice: a literal in worker's environment, and k.txt, the file of secret k that idle reads it from. Both services on network sandbox. */
const BASE = `services:
  worker:
    image: ${IMAGE}
    networks: [sandbox]
    environment:
      ANTHROPIC_ENVIRONMENT_KEY: ${KEY}
  idle:
    image: ${IMAGE}
    networks: [sandbox]
    secrets: [k]
    environment:
      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/k
networks:
  sandbox: {}
secrets:
  k:
    file: ./k.txt
`;

describe('the override names the project (the base does not)', () => {
  const OVERRIDE = 'name: other\nservices:\n  worker:\n    user: "10001"\nnetworks:\n  sandbox:\n    internal: true\n';

  it('one project: every target of the pair under the override name, one trust boundary', async () => {
    const { targets } = await scan(pair(BASE, OVERRIDE));
    const ts = compose(targets);
    expect(ts.map((t) => `${t.kind} ${t.id}`).sort()).toEqual([
      'container compose:other/idle#container=idle@p/compose.yaml',
      'container compose:other/worker#container=worker@p/compose.yaml',
      'egress compose:other/idle#network@p/compose.yaml',
      'egress compose:other/worker#network@p/compose.yaml',
      'envfile compose:other#objects@p/compose.yaml',
      'workload compose:other/idle@p/compose.yaml',
      'workload compose:other/worker@p/compose.yaml',
    ]);
    expect(new Set(ts.map((t) => t.boundary))).toEqual(new Set(['other']));
    expect(new Set(ts.filter((t) => t.kind === 'egress').map((t) => (t.data as { project: string }).project))).toEqual(new Set(['other']));
  });

  it('the literal and the secret file are one project: the key is not shared across boundaries', async () => {
    const { report } = await scan(pair(BASE, OVERRIDE));
    expect(report.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries')).toEqual([]);
  });

  it('networks merged: the override makes sandbox internal, so neither service has open egress', async () => {
    const { report } = await scan(pair(BASE, OVERRIDE));
    expect(report.findings.filter((f) => f.checklist === 'egress-control' && !f.suppressed).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`)).toEqual([]);
    expect(report.checklist.find((c) => c.id === 'egress-control')!.verdict).toBe('pass');
  });
});

describe('the base names the project (the override does not)', () => {
  // The base without secret k; the override's own service reads the key from it, the override defines it.
  const NAMED = `name: app\n${BASE.replace(/    secrets: \[k\]\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: \/run\/secrets\/k\n/, '').replace(/secrets:\n  k:\n    file: .\/k.txt\n/, '')}`;
  const OVERRIDE = `services:\n  tools:\n    image: ${IMAGE}\n    networks: [sandbox]\n    secrets: [k]\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/k\nsecrets:\n  k:\n    file: ./k.txt\n`;

  it("one project: the override's service and its configs belong to the base's project", async () => {
    const { targets } = await scan(pair(NAMED, OVERRIDE));
    const ts = compose(targets);
    expect(ts.map((t) => `${t.kind} ${t.id}`).sort()).toEqual([
      'container compose:app/idle#container=idle@p/compose.yaml',
      'container compose:app/tools#container=tools@p/compose.override.yaml',
      'container compose:app/worker#container=worker@p/compose.yaml',
      'egress compose:app/idle#network@p/compose.yaml',
      'egress compose:app/tools#network@p/compose.override.yaml',
      'egress compose:app/worker#network@p/compose.yaml',
      'envfile compose:app#objects@p/compose.override.yaml',
      'workload compose:app/idle@p/compose.yaml',
      'workload compose:app/tools@p/compose.override.yaml',
      'workload compose:app/worker@p/compose.yaml',
    ]);
    expect(new Set(ts.map((t) => t.boundary))).toEqual(new Set(['app']));
  });

  it("the base's literal and the override's secret file are one project: the key is not shared across boundaries", async () => {
    const { report } = await scan(pair(NAMED, OVERRIDE));
    expect(report.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries')).toEqual([]);
  });

  it('the override-only service joins the base network: judged open at its own line, under the base project', async () => {
    const { report } = await scan(pair(NAMED, OVERRIDE));
    const egress = report.findings.filter((f) => f.ruleId === 'egress-no-default-deny').map((f) => `${f.target.id} ${f.location.file}:${f.location.line}`).sort();
    expect(egress).toEqual([
      'compose:app/idle#network@p/compose.yaml p/compose.yaml:10',
      'compose:app/tools#network@p/compose.override.yaml p/compose.override.yaml:4',
      'compose:app/worker#network@p/compose.yaml p/compose.yaml:5',
    ]);
  });
});
