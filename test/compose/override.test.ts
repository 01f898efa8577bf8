import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { ComposeContainerData } from '../../src/inputs/compose/types.js';
import type { Report } from '../../src/model/finding.js';
import { locate, type Target } from '../../src/model/target.js';
import { ROOT } from '../helpers/fixtures.js';
import { tempDir } from '../helpers/cli.js';

/**
 * compose.override.yaml merged into compose.yaml (src/inputs/compose/override.ts): the merged service is
 * judged once, each value at the line of the file that wrote it. Fixtures: fixtures/compose-override.
 */

const RULES = loadRules();
const D = 'fixtures/compose-override/dev-overlay';
const E = 'fixtures/compose-override/escalations';

async function scan(paths: string[], cwd = ROOT): Promise<Report> {
  const collected = await collectPaths(paths, { cwd });
  return audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
}

/** `rule verdict file:line` of every unsuppressed finding, sorted. */
const findings = (r: Report): string[] => r.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort();
const fingerprints = (r: Report): Record<string, string> => Object.fromEntries(r.findings.map((f) => [`${f.ruleId} ${f.target.id} ${f.location.pointer ?? ''}`, f.fingerprint]));

async function containers(paths: string[], cwd = ROOT): Promise<Target<ComposeContainerData>[]> {
  const collected = await collectPaths(paths, { cwd });
  return collected.targets.filter((t) => t.kind === 'container' && t.platform === 'compose') as Target<ComposeContainerData>[];
}

describe('an override that only adds environment variables and a port (the common layout)', () => {
  it('reports what compose.yaml alone reports, plus the published port at the override line', async () => {
    const alone = await scan([`${D}/compose.yaml`]);
    const pair = await scan([D]);
    expect(findings(alone)).toEqual([`workload-no-sandboxed-runtime warn ${D}/compose.yaml:4`]);
    expect(findings(pair)).toEqual([...findings(alone), `container-host-port fail ${D}/compose.override.yaml:8`].sort());
    // No finding about the override's partial service (no user, capabilities, read_only...).
    expect(pair.findings.filter((f) => f.location.file === `${D}/compose.override.yaml`).map((f) => f.ruleId)).toEqual(['container-host-port']);
  });

  it('keeps the fingerprints of the base service findings', async () => {
    const alone = fingerprints(await scan([`${D}/compose.yaml`]));
    const pair = fingerprints(await scan([D]));
    for (const [key, fp] of Object.entries(alone)) expect(pair[key], key).toBe(fp);
  });

  it('judges one merged container: environment merged by name, each entry located in the file that wrote it', async () => {
    const cs = await containers([D]);
    expect(cs.map((c) => c.id)).toEqual([`compose:agent-sandbox/worker#container=worker@${D}/compose.yaml`]);
    const c = cs[0]!;
    expect(c.data.env.map((e) => `${e.name}=${e.value}`)).toEqual(['ANTHROPIC_ENVIRONMENT_KEY_FILE=/run/secrets/anthropic_environment_key', 'LOG_LEVEL=debug', 'WORKER_DEBUG_ENDPOINT=1']);
    expect([0, 1, 2].map((i) => `${locate(c, `/env/${i}`).file}:${locate(c, `/env/${i}`).line}`)).toEqual([`${D}/compose.yaml:18`, `${D}/compose.override.yaml:5`, `${D}/compose.override.yaml:6`]);
    expect(c.data.user.uid).toBe(10001);
    expect(locate(c, '/user')).toMatchObject({ file: `${D}/compose.yaml`, line: 6 });
    expect(c.data.ports).toEqual([{ containerPort: 8080, hostPort: 8080, hostIp: null, protocol: 'tcp' }]);
    // A field set in neither file points at the base service.
    expect(locate(c, '/runtimeClassName')).toMatchObject({ file: `${D}/compose.yaml`, line: 4 });
  });

  it('lists both inputs as merged, and an override scanned without its base as judged alone', async () => {
    const pair = await scan([D]);
    expect(pair.inputs.map((i) => [i.path, i.format, i.status])).toEqual([
      [`${D}/compose.override.yaml`, 'compose (override merged into compose.yaml)', 'parsed'],
      [`${D}/compose.yaml`, 'compose (merged with compose.override.yaml)', 'parsed'],
    ]);
    const lone = await scan([`${D}/compose.override.yaml`]);
    expect(lone.inputs.map((i) => [i.path, i.format, i.status])).toEqual([[`${D}/compose.override.yaml`, 'compose (override without its base compose file: services judged alone)', 'parsed']]);
    // Judged on its own, as before: the partial service has no user, no read_only, no cap_drop.
    expect(findings(lone)).toEqual([
      `container-caps-not-dropped fail ${D}/compose.override.yaml:3`,
      `container-host-port fail ${D}/compose.override.yaml:8`,
      `container-privilege-escalation fail ${D}/compose.override.yaml:3`,
      `container-rootfs-writable fail ${D}/compose.override.yaml:3`,
      `container-run-as-root fail ${D}/compose.override.yaml:3`,
      `egress-no-default-deny fail ${D}/compose.override.yaml:3`,
      `workload-no-sandboxed-runtime warn ${D}/compose.override.yaml:3`,
    ]);
  });
});

describe('an override that weakens the base', () => {
  it('reports each weakening at the override line, and a service only in the override on its own', async () => {
    const r = await scan([E]);
    expect(findings(await scan([`${E}/compose.yaml`]))).toEqual([`workload-runtime-socket fail ${E}/compose.yaml:25`]);
    expect(findings(r)).toEqual([
      // worker: privileged: true (which also grants every capability and turns seccomp, AppArmor and SELinux labelling off) and NET_ADMIN added
      `container-apparmor-unconfined fail ${E}/compose.override.yaml:3`,
      `container-seccomp-unconfined fail ${E}/compose.override.yaml:3`,
      `container-selinux-unconfined fail ${E}/compose.override.yaml:3`,
      `container-caps-not-dropped fail ${E}/compose.override.yaml:3`,
      `container-dangerous-capability fail ${E}/compose.override.yaml:4`,
      `container-privileged fail ${E}/compose.override.yaml:3`,
      // socket-proxy: the read-only socket mount replaced by a writable one for the same container path
      `container-writable-host-path fail ${E}/compose.override.yaml:7`,
      `workload-runtime-socket fail ${E}/compose.override.yaml:7`,
      // debug-shell: only in the override
      `container-caps-not-dropped fail ${E}/compose.override.yaml:8`,
      `container-image-unpinned fail ${E}/compose.override.yaml:9`,
      `container-privilege-escalation fail ${E}/compose.override.yaml:8`,
      `container-rootfs-writable fail ${E}/compose.override.yaml:8`,
      `container-run-as-root fail ${E}/compose.override.yaml:8`,
      `workload-no-sandboxed-runtime warn ${E}/compose.override.yaml:8`,
    ].sort());
  });

  it('cap_add is a union of both files; volumes merge by container path (one mount, the override one)', async () => {
    const cs = await containers([E]);
    const worker = cs.find((c) => c.data.name === 'worker')!;
    expect(worker.data.capabilities).toEqual({ add: ['CHOWN', 'NET_ADMIN'], drop: ['ALL'], dropsAll: true });
    expect(worker.data.privileged).toBe(true);
    expect([0, 1].map((i) => `${locate(worker, `/capabilities/add/${i}`).file}:${locate(worker, `/capabilities/add/${i}`).line}`)).toEqual([`${E}/compose.yaml:8`, `${E}/compose.override.yaml:4`]);
    expect(worker.data.readOnlyRootFilesystem).toBe(true);
    const proxy = cs.find((c) => c.data.name === 'socket-proxy')!;
    expect(proxy.data.mounts).toEqual([{ volume: '/var/run/docker.sock', mountPath: '/var/run/docker.sock', readOnly: false, hostPath: '/var/run/docker.sock', volumeType: 'bind' }]);
    expect(locate(proxy, '/mounts/0')).toMatchObject({ file: `${E}/compose.override.yaml`, line: 7 });
    // The override-only service belongs to the base file's project (its `name:`), in the override file.
    const debug = cs.find((c) => c.data.name === 'debug-shell')!;
    expect(debug.id).toBe(`compose:agent-sandbox/debug-shell#container=debug-shell@${E}/compose.override.yaml`);
    expect(debug.file).toBe(`${E}/compose.override.yaml`);
    expect(cs).toHaveLength(3);
  });
});

/** A compose pair in a temporary folder; returns the folder relative to it (paths as the report shows them). */
function pair(base: string, override: string, extra: Record<string, string> = {}): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'p'));
  writeFileSync(join(dir, 'p', 'compose.yaml'), base);
  writeFileSync(join(dir, 'p', 'compose.override.yaml'), override);
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, 'p', name), text);
  return dir;
}

const HARDENED = `name: app
services:
  worker:
    image: registry.example/w@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a
    user: "10001"
    read_only: true
    cap_drop: [ALL]
    security_opt: [no-new-privileges:true]
    runtime: runsc
    network_mode: none
`;

describe('which files are merged', () => {
  const files = async (names: [string, string]): Promise<string[]> => {
    const dir = tempDir();
    writeFileSync(join(dir, names[0]), HARDENED);
    writeFileSync(join(dir, names[1]), 'services:\n  worker:\n    privileged: true\n');
    const r = await scan(['.'], dir);
    return r.findings.filter((f) => f.ruleId === 'container-privileged' || f.ruleId === 'container-run-as-root').map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`).sort();
  };

  it('docker-compose.override.yml on docker-compose.yml', async () => {
    expect(await files(['docker-compose.yml', 'docker-compose.override.yml'])).toEqual(['container-privileged docker-compose.override.yml:3']);
  });

  it('not another name (compose.prod.yaml is passed with -f): each file judged on its own', async () => {
    expect(await files(['compose.yaml', 'compose.prod.yaml'])).toEqual(['container-privileged compose.prod.yaml:3', 'container-run-as-root compose.prod.yaml:2']);
  });
});

describe('merge rules', () => {
  it('scalars are replaced, security_opt is a union, command replaced, logging options merged for the same driver', async () => {
    const dir = pair(
      `${HARDENED}    command: [run, --safe]\n    logging:\n      driver: json-file\n      options: {max-size: 10m}\n`,
      'services:\n  worker:\n    user: root\n    security_opt: ["seccomp=unconfined"]\n    command: [run]\n    logging:\n      options: {max-file: "3"}\n',
    );
    const [c] = await containers(['p'], dir);
    expect(c!.data.user).toMatchObject({ uid: 0, nonRoot: false });
    expect(locate(c!, '/user')).toMatchObject({ file: 'p/compose.override.yaml', line: 3 });
    expect(c!.data.allowPrivilegeEscalation).toBe(false);
    expect(c!.data.seccomp).toMatchObject({ type: 'Unconfined' });
    expect(locate(c!, '/seccomp')).toMatchObject({ file: 'p/compose.override.yaml', line: 4 });
    const collected = await collectPaths(['p'], { cwd: dir });
    const w = collected.targets.find((t) => t.kind === 'workload' && t.platform === 'compose')!;
    expect((w.data as { logging: unknown }).logging).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
  });

  it('a named volume of the base file binding a host folder is resolved for the override service that mounts it', async () => {
    const dir = pair(`${HARDENED}volumes:\n  hostroot:\n    driver_opts: {type: none, o: bind, device: /etc}\n`, 'services:\n  worker:\n    volumes: ["hostroot:/host-etc"]\n');
    const [c] = await containers(['p'], dir);
    expect(c!.data.mounts).toEqual([{ volume: 'hostroot', mountPath: '/host-etc', readOnly: false, hostPath: '/etc', volumeType: 'volume' }]);
  });

  it('network_mode: host in the override makes the merged service share the host network, and drops the base ports', async () => {
    const dir = pair(HARDENED.replace('    network_mode: none\n', '    ports: ["8080:8080"]\n'), 'services:\n  worker:\n    network_mode: host\n');
    const r = await scan(['p'], dir);
    expect(findings(r).filter((f) => !f.startsWith('egress-'))).toEqual(['workload-host-namespace fail p/compose.override.yaml:3']);
  });

  it('!reset removes a value of the base (cap_drop: no longer dropped), !override replaces a list instead of appending to it', async () => {
    const dir = pair(HARDENED.replace('    network_mode: none\n', '    network_mode: none\n    ports: ["80:80"]\n    environment: [FOO=1, BAR=2]\n'), 'services:\n  worker:\n    cap_drop: !reset []\n    ports: !override\n      - "443:443"\n    environment:\n      FOO: !reset null\n');
    const [c] = await containers(['p'], dir);
    expect(c!.data.capabilities).toEqual({ add: [], drop: [], dropsAll: false });
    expect(c!.data.ports.map((p) => p.hostPort)).toEqual([443]);
    expect(c!.data.env.map((e) => e.name)).toEqual(['BAR']);
    const r = await scan(['p'], dir);
    expect(findings(r).filter((f) => f.startsWith('container-caps'))).toEqual(['container-caps-not-dropped fail p/compose.yaml:3']);
  });

  it('a service only in the override is reported under the pair project, its egress too', async () => {
    const dir = pair(HARDENED, 'services:\n  tools:\n    image: registry.example/t@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a\n');
    const r = await scan(['p'], dir);
    const egress = r.findings.filter((f) => f.ruleId === 'egress-no-default-deny');
    expect(egress.map((f) => [f.target.id, `${f.location.file}:${f.location.line}`])).toEqual([['compose:app/tools#network@p/compose.override.yaml', 'p/compose.override.yaml:2']]);
    expect(new Set(r.findings.filter((f) => f.location.file === 'p/compose.override.yaml').map((f) => f.target.id.split('/')[0]))).toEqual(new Set(['compose:app']));
  });

  it('x-sandcheck-ignore of the base still suppresses a finding the override causes', async () => {
    const dir = pair(`${HARDENED}    x-sandcheck-ignore:\n      container-privileged: the GPU driver needs it (PLAT-9)\n`, 'services:\n  worker:\n    privileged: true\n');
    const r = await scan(['p'], dir);
    const f = r.findings.filter((x) => x.ruleId === 'container-privileged');
    expect(f.map((x) => [x.suppressed, `${x.location.file}:${x.location.line}`])).toEqual([[{ by: 'inline', reason: 'the GPU driver needs it (PLAT-9)' }, 'p/compose.override.yaml:3']]);
  });
});

describe('secrets of a merged service', () => {
  const TOKEN = ['ghp_', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'].join('');

  it('a literal in the override environment is reported once, in the override file at its line', async () => {
    const dir = pair(HARDENED, `services:\n  worker:\n    environment:\n      GITHUB_TOKEN: ${TOKEN}\n`);
    const r = await scan(['p'], dir);
    const ks = r.findings.filter((f) => f.checklist === 'key-storage');
    expect(ks.map((f) => `${f.ruleId} ${f.location.file}:${f.location.line} ${f.target.kind}`)).toEqual(['secret-provider-token p/compose.override.yaml:4 container']);
  });

  it('the base file defines the external secret an override service reads the key from: decided (pass), not a warning', async () => {
    const base = `${HARDENED}secrets:\n  env_key:\n    external: true\n`;
    const override = 'services:\n  tools:\n    image: registry.example/t@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a\n    secrets: [env_key]\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/env_key\n';
    const dir = pair(base, override);
    const together = await scan(['p'], dir);
    expect(together.findings.filter((f) => f.ruleId === 'secret-environment-key-unmanaged')).toEqual([]);
    const alone = await scan(['p/compose.override.yaml'], dir);
    expect(alone.findings.filter((f) => f.ruleId === 'secret-environment-key-unmanaged').map((f) => `${f.verdict} ${f.location.file}:${f.location.line}`)).toEqual(['warn p/compose.override.yaml:4']);
  });
});

describe('secrets and configs named through the merged service', () => {
  it('ANTHROPIC_ENVIRONMENT_KEY_FILE set in the override names the base file secret: its file holding a key fails', async () => {
    const key = readFileSync(join(ROOT, 'fixtures/rules/secret-environment-key-unmanaged/fail-compose-secrets/secrets/env_key.txt'), 'utf8');
    const base = `${HARDENED}    secrets: [env_key]\nsecrets:\n  env_key:\n    file: ./env_key.txt\n`;
    const dir = pair(base, 'services:\n  worker:\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY_FILE: /run/secrets/env_key\n', { 'env_key.txt': key });
    const r = await scan(['p'], dir);
    const ks = r.findings.filter((f) => f.checklist === 'key-storage').map((f) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort();
    expect(ks).toEqual(['secret-environment-key-literal fail p/env_key.txt:1', 'secret-environment-key-unmanaged fail p/compose.yaml:11']);
  });
});

describe('environment list entries written as block scalars', () => {
  it('`- |` then KEY=value: the value is located at the line and column of its text', async () => {
    const dir = tempDir();
    const text = 'services:\n  w:\n    image: x\n    environment:\n      - A=1\n      - |\n        GITHUB_TOKEN=' + ['ghp_', 'aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5'].join('') + '\n';
    writeFileSync(join(dir, 'compose.yaml'), text);
    const [c] = await containers(['compose.yaml'], dir);
    expect(locate(c!, '/env/1/value')).toMatchObject({ file: 'compose.yaml', line: 7, column: 22 });
    const r = await scan(['compose.yaml'], dir);
    expect(r.findings.filter((f) => f.checklist === 'key-storage').map((f) => `${f.ruleId} ${f.location.line}:${f.location.column}`)).toEqual(['secret-provider-token 7:22']);
  });
});
