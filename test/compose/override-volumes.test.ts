import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { tempDir } from '../helpers/cli.js';

// The top-level volumes of compose.override.yaml merge into compose.yaml's key by key, as compose merges
// mappings: an override that only labels a volume keeps the base's driver_opts bind of a host directory.

const RULES = loadRules();
const BASE = `services:
  worker:
    image: registry.example/worker@sha256:0000000000000000000000000000000000000000000000000000000000000000
    volumes: ["data:/data"]
volumes:
  data:
    driver: local
    driver_opts: {type: none, o: bind, device: /etc}
`;

async function hostPathFindings(override: string): Promise<string[]> {
  const dir = tempDir();
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(dir, 'p', 'compose.yaml'), BASE);
  writeFileSync(join(dir, 'p', 'compose.override.yaml'), override);
  const report = audit(await collectPaths(['p'], { cwd: dir }), { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
  return report.findings
    .filter((f) => f.ruleId === 'workload-sensitive-host-path' || f.ruleId === 'container-writable-host-path')
    .map((f) => `${f.ruleId} ${f.location.file}:${f.location.line} ${f.message}`)
    .sort();
}

describe('an override of a top-level volume', () => {
  it('that only adds labels keeps the base’s bind of /etc: still reported', async () => {
    expect(await hostPathFindings('volumes:\n  data:\n    labels: {team: agents}\n')).toEqual([
      'container-writable-host-path p/compose.yaml:4 Mounts host path /etc writable at /data',
      'workload-sensitive-host-path p/compose.yaml:4 Mounts the host path /etc',
    ]);
  });

  it('that changes only driver_opts.device binds the new directory (the other options stay the base’s)', async () => {
    expect(await hostPathFindings('volumes:\n  data:\n    driver_opts: {device: /root/.ssh}\n')).toEqual([
      'container-writable-host-path p/compose.yaml:4 Mounts host path /root/.ssh writable at /data',
      'workload-sensitive-host-path p/compose.yaml:4 Mounts the host path /root/.ssh',
    ]);
  });

  it('that turns the bind off (o: "") binds nothing', async () => {
    expect(await hostPathFindings('volumes:\n  data:\n    driver_opts: {o: ""}\n')).toEqual([]);
  });
});
