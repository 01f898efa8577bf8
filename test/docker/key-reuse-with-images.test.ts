import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { containerLabelDetector } from '../../src/analyzers/container-labels.js';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules, ruleSetOf } from '../../src/engine/load-rules.js';
import { normalizeContainer, parseContainerFiles, type ContainerInspect } from '../../src/inputs/docker/containers.js';
import { emptyCollected } from '../../src/inputs/collect.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { dockerArchive, file } from '../image/helpers/craft.js';
import { scanBuffer, targetsOf } from '../image/helpers/scan.js';

/**
 * What `sandcheck docker --images` audits, built without an engine: two live containers of different
 * compose projects with one key (one in Config.Env, one in a label), and the image that carries it.
 * secret-key-shared-across-boundaries fails at each container and names the image among the places,
 * outside any boundary; the image itself gets no key-reuse finding (it belongs to no boundary).
 */
const KEY = tokens.github(rng(5519));
const base = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'inspect-hardened.json'), 'utf8')) as ContainerInspect;

function container(name: string, project: string, where: 'env' | 'label'): ContainerInspect {
  return {
    ...base,
    Id: `${name}0000000000000000`,
    Name: `/${name}`,
    Config: {
      ...base.Config,
      Env: where === 'env' ? ['PATH=/bin', `GITHUB_TOKEN=${KEY}`] : ['PATH=/bin'],
      Labels: { 'com.docker.compose.project': project, ...(where === 'label' ? { 'org.example.token': KEY } : {}) },
    },
  };
}

describe('key reuse with live containers and their image', () => {
  it('fails at each container, names the image outside any boundary, and prints no key', async () => {
    const out = emptyCollected();
    for (const [name, project, where] of [['red-worker', 'red', 'env'], ['blue-worker', 'blue', 'label']] as const) {
      const t = normalizeContainer(container(name, project, where), parseContainerFiles(null, null), containerLabelDetector);
      out.targets.push(t.workload, t.container);
    }
    const [scan] = await scanBuffer(await dockerArchive({ config: { User: '10001:10001', Env: [`GITHUB_TOKEN=${KEY}`] }, history: [{ created_by: 'x' }], layers: [[file('a', '1')]] }), { name: 'worker.tar' });
    out.targets.push(targetsOf(scan!, 'sc/worker:1').image);
    const rule = loadRules().byId.get('secret-key-shared-across-boundaries')!;
    const report = audit(out, { rules: ruleSetOf([rule]), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    expectNotPrinted(JSON.stringify(report), [KEY]);
    const image = `image://sc/worker:1@${scan!.configDigest} (config Env GITHUB_TOKEN)`;
    expect(report.findings.map((f) => [f.ruleId, f.target.kind, f.location.uri, f.location.detail, f.message])).toEqual([
      [
        'secret-key-shared-across-boundaries',
        'container',
        'docker://container/red-worker',
        'Config.Env GITHUB_TOKEN',
        `Key ${fingerprint(KEY)} is used in 2 trust boundaries: compose project blue (docker://container/blue-worker (Config.Labels org.example.token)) and compose project red (docker://container/red-worker (Config.Env GITHUB_TOKEN) [here]); also outside any trust boundary: ${image}`,
      ],
      [
        'secret-key-shared-across-boundaries',
        'container',
        'docker://container/blue-worker',
        'Config.Labels org.example.token',
        `Key ${fingerprint(KEY)} is used in 2 trust boundaries: compose project blue (docker://container/blue-worker (Config.Labels org.example.token) [here]) and compose project red (docker://container/red-worker (Config.Env GITHUB_TOKEN)); also outside any trust boundary: ${image}`,
      ],
    ]);
    expect(report.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('fail');
  });
});
