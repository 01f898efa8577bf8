import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/cli.js';
import { scanEgress } from './cloud-helpers.js';

// A Windows HostProcess container runs in the node's network namespace whether or not the manifest says
// `hostNetwork: true` (the API requires it, but a manifest can leave it out): egress judges the pod as it
// judges a hostNetwork pod, at the hostProcess field, naming it.

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: node-agent
  namespace: sandbox
  labels: {app: node-agent}
spec:
  securityContext:
    windowsOptions:
      hostProcess: true
      runAsUserName: "NT AUTHORITY\\\\SYSTEM"
  containers:
    - name: agent
      image: registry.example.com/win-agent@sha256:0000000000000000000000000000000000000000000000000000000000000000
`;

const OUTPUT_DROP_10 = `*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -d 10.0.0.0/8 -j DROP
COMMIT
`;

describe('a HostProcess pod without hostNetwork: true', () => {
  it('with no host filter in the scan: one no-default-deny per family at its hostProcess line, naming hostProcess as the reason', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pod.yaml'), POD);
    const r = await scanEgress([dir]);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${dir}/pod.yaml:10`, `egress-no-default-deny fail ${dir}/pod.yaml:10`]);
    for (const f of r.raw) {
      expect(f.message).toContain("windowsOptions.hostProcess: true, a HostProcess container puts it in the node's network namespace, where NetworkPolicy does not apply");
      expect(f.message).toContain('run it as an ordinary container, not a HostProcess one,');
    }
  });

  it('beside its node filter: judged with the host processes, whose findings name the pod and its hostProcess line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pod.yaml'), POD);
    writeFileSync(join(dir, 'rules.v4'), OUTPUT_DROP_10);
    const r = await scanEgress([dir]);
    const host = r.raw.filter((f) => f.location.file === `${dir}/rules.v4`);
    expect(host.length).toBeGreaterThan(0);
    for (const f of host) expect(f.message).toContain(`pod sandbox/Pod/node-agent (windowsOptions.hostProcess: true, a HostProcess container, ${dir}/pod.yaml:10) uses the host's network namespace`);
    expect(r.raw.filter((f) => f.location.file === `${dir}/pod.yaml`)).toEqual([]);
  });
});
