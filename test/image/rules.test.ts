import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { imagePairDetectors, scanLayerFile } from '../../src/analyzers/image-secrets.js';
import { NOT_FOR_IMAGE_COMMAND, rulesForImages } from '../../src/cli/image-common.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectImages, readBases } from '../../src/inputs/image/collect-images.js';
import { RULE_FIXTURES } from '../helpers/fixtures.js';
import { ruleSetOf } from '../../src/engine/load-rules.js';
import { craftFixture, loadImageFixture } from './helpers/fixture-image.js';
import { AMD64, tmp } from './helpers/scan.js';

// The image counterpart of test/rules/fixtures.test.ts: every `*.image.json` fixture of every rule is
// crafted into an archive and audited with only that rule; the findings' details must equal `expect`.
const only = process.env.SANDCHECK_RULE;
const set = rulesForImages(loadRules());
const cases = set.rules
  .filter((r) => !only || r.id === only)
  .flatMap((r) => {
    const dir = join(RULE_FIXTURES, r.id);
    if (!existsSync(dir)) return [];
    return readdirSync(dir)
      .filter((f) => /^(pass|fail).*\.image\.json$/.test(f))
      .map((f) => [r.id, f, r, join(dir, f)] as const);
  });

describe('image rule fixtures', () => {
  it('every image rule has image fixtures', () => {
    const withFixtures = new Set(cases.map((c) => c[0]));
    for (const r of set.rules.filter((x) => x.targets.includes('image'))) expect(withFixtures.has(r.id), r.id).toBe(true);
  });

  it('a built-in rule that targets images is left out of sandcheck image only by name, with a reason', () => {
    // The container filter of rulesForImages must not drop an image rule silently (it did drop
    // secret-key-shared-across-boundaries, which targets containers too, and its fixture check never saw it).
    const all = loadRules();
    const dropped = all.rules.filter((r) => r.targets.includes('image') && !set.byId.has(r.id)).map((r) => r.id);
    expect(dropped).toEqual([...NOT_FOR_IMAGE_COMMAND.keys()]);
    expect(dropped).toEqual(['secret-key-shared-across-boundaries']);
    for (const reason of NOT_FOR_IMAGE_COMMAND.values()) expect(reason.length).toBeGreaterThan(40);
  });

  it.each(cases)('%s: %s', async (id, name, rule, path) => {
    const { fixture, image, base } = loadImageFixture(path);
    const dir = tmp();
    const file = join(dir, 'image.tar');
    writeFileSync(file, await craftFixture(image, fixture.format));
    const opts = { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, containers: true, cwd: dir };
    let bases: { name: string; diffIds: string[] }[] = [];
    if (base) {
      writeFileSync(join(dir, 'base.tar'), await craftFixture(base));
      bases = await readBases(['base.tar'], opts);
    }
    const collected = await collectImages(['image.tar'], { ...opts, bases });
    expect(collected.inputs.filter((i) => i.status === 'error')).toEqual([]);
    const report = audit(collected, { rules: ruleSetOf([rule]), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    expect(report.errors).toEqual([]);
    const evaluations = report.evaluations!.filter((e) => e.ruleId === id);
    expect(evaluations.some((e) => e.outcome === 'pass' || e.outcome === 'fail'), 'the rule must apply to its fixture').toBe(true);
    const actual = report.findings.filter((f) => f.ruleId === id).map((f) => f.location.detail);
    const expected = fixture.expect.filter((e) => e.rule === id).map((e) => e.detail);
    if (name.startsWith('pass')) expect(fixture.expect, 'pass fixtures expect nothing').toEqual([]);
    else expect(expected.length, 'fail fixtures expect at least one finding').toBeGreaterThan(0);
    expect(actual.sort()).toEqual(expected.sort());
    for (const f of report.findings) {
      expect(f.message, 'placeholders must resolve').not.toMatch(/\{\{/);
      expect(f.location.uri).toMatch(/^image:\/\/image\.tar@sha256:[0-9a-f]{64}$/);
    }
  });
});

describe('secrets.ignore applies to image secrets (by fingerprint, from the finding evidence)', () => {
  it('suppresses exactly the accepted secret', async () => {
    const rule = set.byId.get('image-secret-env')!;
    const { image } = loadImageFixture(join(RULE_FIXTURES, 'image-secret-env', 'fail.image.json'));
    const dir = tmp();
    writeFileSync(join(dir, 'image.tar'), await craftFixture(image));
    const collected = await collectImages(['image.tar'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: dir });
    const run = (ignore: { fingerprint: string; reason: string }[]) =>
      audit(collected, { rules: ruleSetOf([rule]), config: { ...structuredClone(DEFAULT_CONFIG), secrets: { ignore } }, failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    const first = run([]);
    expect(first.findings.map((f) => [f.location.detail, f.evidence?.detector])).toEqual([
      ['config Env GITHUB_TOKEN', 'github-token'],
      ['config Env ANTHROPIC_ENVIRONMENT_KEY', 'anthropic-environment-key'],
    ]);
    const fp = first.findings[0]!.evidence!.fingerprint as string;
    expect(fp).toMatch(/^gh[pousr]_:[0-9a-f]{12}$/);
    const second = run([{ fingerprint: fp, reason: 'test token, revoked' }]);
    expect(second.findings.map((f) => [f.location.detail, f.suppressed?.reason ?? null])).toEqual([
      ['config Env GITHUB_TOKEN', 'secrets.ignore: test token, revoked'],
      ['config Env ANTHROPIC_ENVIRONMENT_KEY', null],
    ]);
  });
});

describe('image-healthcheck-missing on an OCI config', () => {
  it('does not apply where the format cannot carry Healthcheck (unknown, not a failure)', async () => {
    const rule = set.byId.get('image-healthcheck-missing')!;
    const { image } = loadImageFixture(join(RULE_FIXTURES, 'image-healthcheck-missing', 'fail.image.json'));
    const dir = tmp();
    writeFileSync(join(dir, 'image.tar'), await craftFixture(image, 'oci-gzip'));
    const collected = await collectImages(['image.tar'], { platform: AMD64, scanFile: scanLayerFile, detectors: imagePairDetectors, cwd: dir });
    const report = audit(collected, { rules: ruleSetOf([rule]), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    expect(report.findings).toEqual([]);
    expect(report.evaluations!.filter((e) => e.ruleId === rule.id).map((e) => e.outcome)).toEqual(['not-applicable']);
  });
});
