import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

/**
 * Compose evidence beyond one file: compose.yaml merged with compose.override.yaml as `docker compose`
 * merges them (network_mode and networks), and the Docker daemon's daemon.json. Fixtures:
 * fixtures/egress/compose-override, fixtures/egress/docker-daemon.
 */

type R = Record<string, any>;

function run(args: string[]): { code: number; verdict: string; findings: string[]; raw: R[] } {
  const r = sandcheck(['egress', ...args, '--format', 'json']);
  const report = json(r);
  const item = report.checklist.find((c: R) => c.id === 'egress-control');
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return { code: r.code, verdict: item.verdict, findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(), raw };
}

const O = 'fixtures/egress/compose-override';

describe('compose.override.yaml merged into compose.yaml', () => {
  it('the override moves runner onto an internal network (pass) and tools onto the host network (reported at the override line)', () => {
    const r = run([O]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${O}/compose.override.yaml:5`, `egress-no-default-deny fail ${O}/compose.override.yaml:5`]);
    expect(r.raw.map((f: R) => f.message).sort()).toEqual([
      "No default deny for IPv4 egress of compose service agent/tools: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv4 tcp → 198.51.100.7:443, new connection)",
      "No default deny for IPv6 egress of compose service agent/tools: network_mode: host shares the host's network stack, so only the host's own OUTPUT rules can filter it (e.g. IPv6 tcp → [2606:4700::1111]:443, new connection)",
    ]);
  });

  it('compose.yaml alone: both services on open networks of their own file', () => {
    const r = run([`${O}/compose.yaml`]);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${O}/compose.yaml:3`, `egress-no-default-deny fail ${O}/compose.yaml:7`]);
  });
});

const DD = 'fixtures/egress/docker-daemon';

describe('Docker daemon.json as evidence', () => {
  it('"ipv6": true opens the default bridge on IPv6; "iptables": false warns for the bridged and the internal service', () => {
    const r = run([DD]);
    expect(r.code).toBe(1);
    expect(r.findings).toEqual([
      `egress-input-opaque warn ${DD}/daemon.json:4`,
      `egress-input-opaque warn ${DD}/daemon.json:4`,
      `egress-no-default-deny fail ${DD}/compose.yaml:5`,
      `egress-no-default-deny fail ${DD}/compose.yaml:5`,
    ]);
    const msgs = r.raw.map((f: R) => f.message).sort();
    expect(msgs[0]).toBe(
      `Docker on this host installs no iptables rules ("iptables": false in ${DD}/daemon.json:4), so for compose service agent/runner no DOCKER-USER hook or masquerade is set up by Docker: its egress is whatever the host's own FORWARD and nat rules do`,
    );
    expect(msgs[1]).toBe(
      `Docker on this host installs no iptables rules ("iptables": false in ${DD}/daemon.json:4), so for compose service agent/worker its internal: true network is not isolated by Docker's rules (only by the missing default route)`,
    );
    expect(msgs[3]).toBe(
      `No default deny for IPv6 egress of compose service agent/runner: network_mode: bridge puts it on Docker's default bridge, so the compose layer does not restrict its egress; ${DD}/daemon.json:2 sets "ipv6": true, so the default bridge carries IPv6 too (e.g. IPv6 tcp → [2606:4700::1111]:443, new connection)`,
    );
  });

  it('without daemon.json the default bridge is IPv4 only and the internal service passes', () => {
    const r = run([`${DD}/compose.yaml`]);
    expect(r.findings).toEqual([`egress-no-default-deny fail ${DD}/compose.yaml:5`]);
    expect(r.raw[0]!.message).toContain('egress of compose service agent/runner');
    expect(r.raw[0]!.evidence.family).toBe('IPv4');
  });

  it('"ip6tables": false with IPv6 on the default bridge: Docker writes no ip6tables rules, a warning at that line', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'compose.yaml'), readFileSync(`${DD}/compose.yaml`, 'utf8'));
    writeFileSync(join(dir, 'daemon.json'), '{\n  "ipv6": true,\n  "ip6tables": false\n}\n');
    const r = run([dir]);
    expect(r.findings).toEqual([`egress-input-opaque warn ${dir}/daemon.json:3`, `egress-no-default-deny fail ${dir}/compose.yaml:5`, `egress-no-default-deny fail ${dir}/compose.yaml:5`]);
    expect(r.raw.find((f: R) => f.ruleId === 'egress-input-opaque')!.message).toBe(
      `Docker on this host manages no ip6tables rules ("ip6tables": false in ${dir}/daemon.json:3), so the IPv6 egress of compose service agent/runner has no DOCKER-USER hook: only the host's own ip6tables FORWARD rules filter it`,
    );
  });

  it('a daemon.json that is not a JSON object, or a non-boolean key, is an input error naming the file (exit 2)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'daemon.json'), '{\n  "ipv6": "yes"\n}\n');
    const bad = sandcheck(['egress', join(dir, 'a', 'daemon.json'), '--format', 'json']);
    expect(bad.code).toBe(2);
    expect(json(bad).inputs.map((i: R) => `${i.status} ${i.error}`)).toEqual([`error ${join(dir, 'a', 'daemon.json')}:2: "ipv6" must be true or false, not "yes"`]);
    writeFileSync(join(dir, 'a', 'daemon.json'), '{\n  "ipv6": true,\n');
    const broken = sandcheck(['egress', join(dir, 'a', 'daemon.json'), '--format', 'json']);
    expect(broken.code).toBe(2);
    expect(json(broken).inputs.map((i: R) => i.status)).toEqual(['error']);
  });
});
