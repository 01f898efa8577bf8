import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectFile, collectPaths, emptyCollected, makeSourceFile } from '../../src/inputs/collect.js';
import { composeHandler } from '../../src/inputs/compose/handler.js';
import { mergeComposeOverrides } from '../../src/inputs/compose/override.js';
import { mergeService } from '../../src/inputs/compose/extends.js';
import type { ComposeNetworkData } from '../../src/inputs/compose/networks.js';
import type { Report } from '../../src/model/finding.js';
import { locate, type Target } from '../../src/model/target.js';
import { tempDir } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';

/**
 * compose.yaml + compose.override.yaml are merged once (src/inputs/compose/override.ts): the network
 * attachment the egress analyzer judges is the same merged service the workload and container come from.
 */

const RULES = loadRules();
const IMAGE = 'registry.example/w@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a';

function pair(base: string, override: string): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(dir, 'p', 'compose.yaml'), base);
  writeFileSync(join(dir, 'p', 'compose.override.yaml'), override);
  return dir;
}

async function scan(dir: string): Promise<{ targets: Target<object>[]; report: Report }> {
  const collected = await collectPaths(['p'], { cwd: dir });
  const targets = [...collected.targets];
  return { targets, report: audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') }) };
}

const egress = (ts: Target<object>[]) => ts.filter((t) => t.kind === 'egress' && t.platform === 'compose') as Target<ComposeNetworkData>[];
const findings = (r: Report, prefix: string) => r.findings.filter((f) => f.ruleId.startsWith(prefix) && !f.suppressed).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort();

const part = (value: Record<string, unknown>) => ({ value, prov: { path: ['services', 'w'] } });

describe('mergeService: the network attachment', () => {
  it('networks as a list and as a mapping merge by network name (options of the same network merged)', () => {
    const merged = mergeService(part({ networks: ['front', 'back'] }), part({ networks: { back: { aliases: ['b'] }, extra: null } })).value;
    expect(merged.networks).toEqual({ front: null, back: { aliases: ['b'] }, extra: null });
    expect(mergeService(part({ networks: ['a'] }), part({ networks: ['a', 'b'] })).value.networks).toEqual({ a: null, b: null });
  });

  it("network_mode and networks exclude each other: the overriding side's attachment replaces the other", () => {
    expect(mergeService(part({ network_mode: 'host', image: 'x' }), part({ networks: ['sandbox'] })).value).toEqual({ image: 'x', networks: ['sandbox'] });
    expect(mergeService(part({ networks: ['sandbox'] }), part({ network_mode: 'none' })).value).toEqual({ network_mode: 'none' });
  });
});

describe('one merged service: workload, container and egress agree', () => {
  it('base network_mode: host, override networks: [sandbox] (internal): neither a host namespace nor open egress', async () => {
    const base = `services:\n  w:\n    image: ${IMAGE}\n    network_mode: host\nnetworks:\n  sandbox:\n    internal: true\n`;
    const { targets, report } = await scan(pair(base, 'services:\n  w:\n    networks: [sandbox]\n'));
    expect(findings(report, 'workload-host-namespace')).toEqual([]);
    expect(findings(report, 'egress-')).toEqual([]);
    const [e] = egress(targets);
    expect(e!.data.networkMode).toBeNull();
    expect(e!.data.networks.map((a) => `${a.name} ${a.file ?? e!.file}:${a.line} internal=${a.network.internal}`)).toEqual(['sandbox p/compose.override.yaml:3 internal=true']);
  });

  it('one egress target per service of the pair, none left over from the override file', async () => {
    const base = `services:\n  w:\n    image: ${IMAGE}\n  x:\n    image: ${IMAGE}\n`;
    const { targets } = await scan(pair(base, `services:\n  w:\n    networks: [back]\n  y:\n    image: ${IMAGE}\nnetworks:\n  back: {}\n`));
    expect(egress(targets).map((t) => `${t.id} ${t.data.networks.map((a) => a.name).join(',')}`).sort()).toEqual([
      'compose:p/w#network@p/compose.yaml back',
      'compose:p/x#network@p/compose.yaml default',
      'compose:p/y#network@p/compose.override.yaml default',
    ]);
  });

  it("a service only in the override shares the network namespace of a base service (network_mode: service:x)", async () => {
    const base = `services:\n  x:\n    image: ${IMAGE}\n    network_mode: none\n`;
    const { report } = await scan(pair(base, `services:\n  sidecar:\n    image: ${IMAGE}\n    network_mode: service:x\n`));
    // Both without a network: nothing opaque ("a service not defined in …") and nothing open.
    expect(findings(report, 'egress-')).toEqual([]);
    expect(report.checklist.find((c) => c.id === 'egress-control')!.verdict).toBe('pass');
  });

  it('the override makes internal the network a base service it does not mention joins: decided from the merged declaration, at the override line', async () => {
    const base = `services:\n  w:\n    image: ${IMAGE}\n    networks: [sandbox]\n  x:\n    image: ${IMAGE}\n    network_mode: none\nnetworks:\n  sandbox: {}\n`;
    const { targets, report } = await scan(pair(base, 'services:\n  x:\n    read_only: true\nnetworks:\n  sandbox:\n    internal: true\n'));
    const w = egress(targets).find((t) => t.data.service === 'w')!;
    expect(w.data.networks[0]!.network).toMatchObject({ internal: true, internalLine: 6, declaredIn: 'p/compose.override.yaml' });
    expect(findings(report, 'egress-')).toEqual([]);
  });
});

describe('an override without services: (only top-level definitions)', () => {
  it('is merged: its internal: true decides the base service, and its input entry says merged, nothing skipped', async () => {
    const base = `services:\n  w:\n    image: ${IMAGE}\n    networks: [sandbox]\nnetworks:\n  sandbox: {}\n`;
    const dir = pair(base, 'networks:\n  sandbox:\n    internal: true\n');
    const { targets, report } = await scan(dir);
    const [w] = egress(targets);
    expect(w!.data.networks[0]!.network).toMatchObject({ internal: true, internalLine: 3, declaredIn: 'p/compose.override.yaml' });
    expect(findings(report, 'egress-')).toEqual([]);
    expect(report.inputs.filter((i) => i.path.endsWith('compose.override.yaml')).map((i) => [i.format, i.status, i.skippedObjects])).toEqual([['compose (override merged into compose.yaml)', 'parsed', undefined]]);
  });

  it("its secret file: is named by the base service that reads the key from it (key in a file: fail)", async () => {
    const base = `services:\n  w:\n    image: ${IMAGE}\n    secrets: [k]\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/k\n`;
    const dir = pair(base, 'secrets:\n  k:\n    file: ./k.txt\n');
    writeFileSync(join(dir, 'p', 'k.txt'), readFileSync(join(ROOT, 'fixtures/rules/secret-environment-key-unmanaged/fail-compose-secrets/secrets/env_key.txt'), 'utf8'));
    const { targets, report } = await scan(dir);
    const objects = targets.filter((t) => t.kind === 'envfile' && t.platform === 'compose');
    expect(objects.map((t) => [t.id, (t.data as { valueFiles: { file: string; name: string }[] }).valueFiles.map((v) => `${v.file} ${v.name}`)])).toEqual([
      ['compose:p#objects@p/compose.override.yaml', ['p/k.txt ANTHROPIC_ENVIRONMENT_KEY']],
    ]);
    expect(report.findings.filter((f) => f.ruleId === 'secret-environment-key-unmanaged').map((f) => `${f.verdict} ${f.location.file}:${f.location.line}`)).toEqual(['fail p/compose.yaml:4']);
  });

  it('scanned without its base: listed as before (no services, nothing to evaluate)', async () => {
    const dir = pair('services: {}\n', 'networks:\n  sandbox:\n    internal: true\n');
    const collected = await collectPaths(['p/compose.override.yaml'], { cwd: dir });
    expect(collected.inputs.map((i) => [i.format, i.skippedObjects?.map((o) => o.reason)])).toEqual([['compose', ['no services: defined, so nothing to evaluate']]]);
  });
});

describe('a base service the override does not mention', () => {
  /** Both files parsed as the collector parses them, before the merge: the targets of the base as parsed. */
  function parsedPair(base: string, override: string) {
    const dir = pair(base, override);
    const out = emptyCollected();
    for (const name of ['compose.yaml', 'compose.override.yaml']) {
      const abs = join(dir, 'p', name);
      collectFile(makeSourceFile(`p/${name}`, abs, readFileSync(abs, 'utf8')), [composeHandler], out);
    }
    return out;
  }
  const BASE = `services:\n  kept:\n    image: ${IMAGE}\n    user: "10001"\n    cap_drop: [ALL]\n    volumes: [cache:/cache]\n  changed:\n    image: ${IMAGE}\nvolumes:\n  cache: {}\n`;

  it('keeps the targets the base file gave it: the same objects, each field at its file:line', async () => {
    const out = parsedPair(BASE, 'services:\n  changed:\n    privileged: true\n');
    const before = out.targets.filter((t) => t.id.startsWith('compose:p/kept') && t.kind !== 'egress');
    expect(before.map((t) => t.id)).toEqual(['compose:p/kept@p/compose.yaml', 'compose:p/kept#container=kept@p/compose.yaml']);
    const changed = out.targets.find((t) => t.id === 'compose:p/changed#container=changed@p/compose.yaml');
    mergeComposeOverrides(out);
    for (const t of before) expect(out.targets.find((x) => x.id === t.id)).toBe(t);
    // The service the override mentions is built again (privileged, at the override line).
    const merged = out.targets.find((t) => t.id === 'compose:p/changed#container=changed@p/compose.yaml')!;
    expect(merged).not.toBe(changed);
    expect(locate(merged, '/privileged')).toMatchObject({ file: 'p/compose.override.yaml', line: 3 });
    const kept = before[1]!;
    expect(['/user', '/capabilities/drop/0', '/mounts/0'].map((p) => `${locate(kept, p).file}:${locate(kept, p).line}`)).toEqual(['p/compose.yaml:4', 'p/compose.yaml:5', 'p/compose.yaml:6']);
  });

  it("the override's name: moves the kept targets to the pair's project, still the same objects", async () => {
    const out = parsedPair(BASE, 'name: other\nservices:\n  changed:\n    privileged: true\n');
    const before = out.targets.filter((t) => t.id.startsWith('compose:p/kept') && t.kind !== 'egress');
    mergeComposeOverrides(out);
    expect(before.map((t) => [t.id, t.parentId, t.name, t.boundary])).toEqual([
      ['compose:other/kept@p/compose.yaml', undefined, 'other/service kept', 'other'],
      ['compose:other/kept#container=kept@p/compose.yaml', 'compose:other/kept@p/compose.yaml', 'other/service kept › container kept', 'other'],
    ]);
    expect((before[0]!.data as { project: string }).project).toBe('other');
    for (const t of before) expect(out.targets).toContain(t);
  });

  it('built again when it mounts a volume the override defines (a host folder bound through driver_opts)', async () => {
    const out = parsedPair(BASE, 'services:\n  changed:\n    privileged: true\nvolumes:\n  cache:\n    driver_opts: {type: none, o: bind, device: /etc}\n');
    const before = out.targets.find((t) => t.id === 'compose:p/kept#container=kept@p/compose.yaml');
    mergeComposeOverrides(out);
    const after = out.targets.find((t) => t.id === 'compose:p/kept#container=kept@p/compose.yaml')!;
    expect(after).not.toBe(before);
    expect((after.data as { mounts: unknown[] }).mounts).toEqual([{ volume: 'cache', mountPath: '/cache', readOnly: false, hostPath: '/etc', volumeType: 'volume' }]);
    expect(locate(after, '/mounts/0')).toMatchObject({ file: 'p/compose.yaml', line: 6 });
  });
});
