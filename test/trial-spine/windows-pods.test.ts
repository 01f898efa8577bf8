import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';
import { tempDir } from '../helpers/cli.js';

/**
 * Windows pods (`spec.os.name: windows`, or a `kubernetes.io/os: windows` node selector): the API server
 * rejects the Linux-only securityContext fields on them (capabilities, allowPrivilegeEscalation,
 * readOnlyRootFilesystem, seccompProfile, runAsUser…), so rules that ask for those fields do not apply;
 * the user is `windowsOptions.runAsUserName` (ContainerAdministrator is the administrator) or runAsNonRoot.
 */

const RULES = loadRules();
const DIGEST = `registry.example.com/win@sha256:${'2'.repeat(64)}`;

async function scan(text: string): Promise<Report> {
  const dir = tempDir();
  writeFileSync(join(dir, 'win.yaml'), text);
  const collected = await collectPaths(['win.yaml'], { cwd: dir });
  return audit(collected, { rules: RULES, config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
}
const findings = (r: Report) => r.findings.filter((f) => !f.suppressed).map((f) => `${f.ruleId} ${f.location.line} ${f.target.name}`).sort();

const deployment = (podSpec: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: win, namespace: agents}
spec:
  template:
    spec:
      automountServiceAccountToken: false
      runtimeClassName: kata
${podSpec}`;

describe('Windows pods', () => {
  it('asks for none of the Linux-only fields; a non-administrator runAsUserName runs as non-root', async () => {
    const r = await scan(
      deployment(`      os: {name: windows}
      securityContext:
        windowsOptions: {runAsUserName: ContainerUser}
      containers:
        - name: worker
          image: ${DIGEST}
`),
    );
    expect(findings(r)).toEqual([]);
    expect(r.checklist.find((c) => c.id === 'image-hardening')!.verdict).toBe('pass');
  });

  it('reports ContainerAdministrator as root, at the field, and a container without a user as possibly root', async () => {
    const r = await scan(
      deployment(`      nodeSelector:
        kubernetes.io/os: windows
      containers:
        - name: admin
          image: ${DIGEST}
          securityContext:
            windowsOptions:
              runAsUserName: ContainerAdministrator
        - name: unset
          image: ${DIGEST}
`),
    );
    expect(findings(r)).toEqual([
      'container-run-as-root 16 agents/Deployment/win › container admin',
      'container-run-as-root 17 agents/Deployment/win › container unset',
    ]);
    const admin = r.findings.find((f) => f.target.name.endsWith('admin'))!;
    expect(admin.message).toBe('May run as root: windowsOptions.runAsUserName ContainerAdministrator on the container is the administrator');
  });

  it('still judges a Linux pod that sets none of the fields (no regression)', async () => {
    const r = await scan(
      deployment(`      containers:
        - name: worker
          image: ${DIGEST}
`),
    );
    expect(findings(r).map((f) => f.split(' ')[0])).toEqual([
      'container-caps-not-dropped',
      'container-privilege-escalation',
      'container-rootfs-writable',
      'container-run-as-root',
      'container-seccomp-unconfined',
    ]);
  });
});
