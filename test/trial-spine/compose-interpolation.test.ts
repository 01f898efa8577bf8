import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';
import { tempDir } from '../helpers/cli.js';

/**
 * Short-syntax volumes and ports with compose interpolation (`${VAR:-default}`): compose substitutes
 * before it splits on `:`, so the `:-` of a default is not a separator. An unset variable takes its
 * default, which is what an audit judges (as for booleans); `${HOME}` is the user's home folder (`~`).
 */

const RULES = loadRules();

async function scanCompose(text: string): Promise<Report> {
  const dir = tempDir();
  mkdirSync(join(dir, 'app'), { recursive: true });
  writeFileSync(join(dir, 'app', 'compose.yaml'), text);
  const collected = await collectPaths(['app'], { cwd: dir });
  return audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
}

const found = (r: Report, ...rules: string[]): string[] =>
  r.findings.filter((f) => rules.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.location.line} ${f.message}`).sort();

const HEAD = `services:
  worker:
    image: registry.example.com/w@sha256:${'2'.repeat(64)}
`;

describe('compose short syntax with ${VAR:-default}', () => {
  it('reads a volume whose source has a default: the default docker socket is judged, not an input error', async () => {
    const r = await scanCompose(`${HEAD}    volumes:
      - \${DOCKER_SOCK:-/var/run/docker.sock}:/var/run/docker.sock
      - "\${CACHE_DIR-./cache}:/cache:ro"
`);
    expect(r.inputs.map((i) => `${i.status} ${i.error ?? ''}`)).toEqual(['parsed ']);
    expect(found(r, 'workload-runtime-socket', 'container-writable-host-path')).toEqual([
      'container-writable-host-path 5 Mounts host path /var/run/docker.sock writable at /var/run/docker.sock',
      'workload-runtime-socket 5 Mounts the container runtime socket or its folder (/var/run/docker.sock)',
    ]);
  });

  it('reads ${HOME} and $HOME as the home folder: a credentials folder of the user is a sensitive host path', async () => {
    const r = await scanCompose(`${HEAD}    volumes:
      - \${HOME}/.aws:/home/app/.aws:ro
      - $HOME/.ssh:/home/app/.ssh:ro
      - type: bind
        source: \${HOME}/.kube
        target: /home/app/.kube
        read_only: true
`);
    expect(r.inputs.map((i) => i.status)).toEqual(['parsed']);
    expect(found(r, 'workload-sensitive-host-path')).toEqual([
      'workload-sensitive-host-path 5 Mounts the host path ~/.aws',
      'workload-sensitive-host-path 6 Mounts the host path ~/.ssh',
      'workload-sensitive-host-path 7 Mounts the host path ~/.kube',
    ]);
  });

  it('keeps a variable with no default as written, split outside ${…}: a path under it is still a host bind', async () => {
    const r = await scanCompose(`${HEAD}    volumes:
      - \${DATA_ROOT:?set DATA_ROOT}/work:/work
`);
    expect(r.inputs.map((i) => `${i.status} ${i.error ?? ''}`)).toEqual(['parsed ']);
    expect(found(r, 'container-writable-host-path')).toEqual(['container-writable-host-path 5 Mounts host path ${DATA_ROOT:?set DATA_ROOT}/work writable at /work']);
  });

  it('reads ports whose host port or address has a default', async () => {
    const r = await scanCompose(`${HEAD}    ports:
      - "\${PORT:-8080}:8080"
      - "\${BIND_ADDR:-127.0.0.1}:9090:9090"
      - "\${METRICS_PORT:?required}:9100"
`);
    expect(r.inputs.map((i) => `${i.status} ${i.error ?? ''}`)).toEqual(['parsed ']);
    expect(found(r, 'container-host-port')).toEqual([
      'container-host-port 5 Publishes container port 8080 on host port 8080',
      'container-host-port 7 Publishes container port 9100 on host port 0',
    ]);
  });
});
