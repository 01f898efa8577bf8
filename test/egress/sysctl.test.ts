import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeSysctl, parseSysctl } from '../../src/inputs/sysctl/handler.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

type R = Record<string, any>;
const D = 'fixtures/egress/sysctl';
const ALLOW = 'fixtures/rules/egress-allow-any/sandcheck.yaml';

function run(args: string[]): { verdict: string; findings: string[]; raw: R[]; inputs: string[] } {
  const report = json(sandcheck(['egress', ...args, '--format', 'json']));
  const raw = report.findings.filter((f: R) => f.ruleId.startsWith('egress-'));
  return {
    verdict: report.checklist.find((c: R) => c.id === 'egress-control').verdict,
    findings: raw.map((f: R) => `${f.ruleId} ${f.verdict} ${f.location.file}:${f.location.line}`).sort(),
    raw,
    inputs: report.inputs.map((i: R) => `${i.path} ${i.format}`),
  };
}

describe('sysctl evidence for IPv6 (net.ipv6.conf.all.disable_ipv6)', () => {
  it('reads sysctl.conf and sysctl -a lines; the last setting wins; other key=value files are not sysctl', () => {
    expect(looksLikeSysctl('# c\nnet.ipv4.ip_forward = 0\nnet.ipv6.conf.all.disable_ipv6=1\n')).toBe(true);
    expect(looksLikeSysctl('FOO=bar\n')).toBe(false);
    expect(looksLikeSysctl('user_name = x\n')).toBe(false);
    const d = parseSysctl(makeSourceFile('sysctl.conf', '/h/sysctl.conf', 'net.ipv6.conf.all.disable_ipv6 = 0\n-net/ipv6/conf/all/disable_ipv6 = 1\nnet.ipv6.conf.default.disable_ipv6 = 1\n'));
    expect(d).toEqual({
      layer: 'sysctl',
      host: '/h',
      disableIpv6: { all: { value: '1', origin: { file: 'sysctl.conf', line: 2 } }, default: { value: '1', origin: { file: 'sysctl.conf', line: 3 } } },
    });
    expect(() => parseSysctl(makeSourceFile('sysctl.conf', '/h/sysctl.conf', 'net.ipv4.ip_forward = 0\nnot a setting\n'))).toThrow(/sysctl.conf:2: not a sysctl setting/);
  });

  it('IPv6 off on the host (evidence): not judged, no ipv6-open; the same rules without it fail on IPv6', () => {
    const off = run([`${D}/ipv6-off`, '-c', ALLOW]);
    expect(off.inputs).toEqual([`${D}/ipv6-off/rules.v4 iptables-save (IPv4)`, `${D}/ipv6-off/sysctl.conf sysctl`]);
    expect(off.verdict).toBe('pass');
    expect(off.findings).toEqual([]);
    const without = run([`${D}/ipv6-off/rules.v4`, '-c', ALLOW]);
    expect(without.findings).toEqual([`egress-ipv6-open fail ${D}/ipv6-off/rules.v4:5`]);
    const explain = sandcheck(['egress', `${D}/ipv6-off`, '-c', ALLOW, '--explain', '-q']);
    expect(explain.stdout).toContain(`    IPv6: not judged — IPv6 is off on this host: net.ipv6.conf.all.disable_ipv6 = 1 (${D}/ipv6-off/sysctl.conf:3)\n`);
  });

  it('IPv6 on by evidence overrides egress.ipv6: disabled, and says so', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'sandcheck.yaml'), 'egress:\n  allow:\n    - {cidr: 160.79.104.0/23, proto: tcp, ports: [443]}\n  dns:\n    resolvers: [10.96.0.10]\n  ipv6: disabled\n');
    const on = run([`${D}/ipv6-on`, '-c', join(dir, 'sandcheck.yaml')]);
    expect(on.verdict).toBe('fail');
    expect(on.findings).toEqual([`egress-input-opaque warn ${D}/ipv6-on/sysctl.txt:3`, `egress-ipv6-open fail ${D}/ipv6-on/rules.v4:5`]);
    expect(on.raw.find((f) => f.ruleId === 'egress-input-opaque')!.message).toBe(
      `This host sets net.ipv6.conf.all.disable_ipv6 = 0 (${D}/ipv6-on/sysctl.txt:3), but sandcheck.yaml asserts that IPv6 is disabled (egress.ipv6: disabled): IPv6 egress is judged`,
    );
    // Without the sysctl file the assertion stands.
    expect(run([`${D}/ipv6-on/rules.v4`, '-c', join(dir, 'sandcheck.yaml')]).findings).toEqual([]);
  });
});
