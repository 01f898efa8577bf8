import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { check, judge, loadForm } from './harness.js';
import { SCENARIOS } from './scenarios.js';

/**
 * Builds every scenario with the real iptables / ip6tables / nft / ipset inside a network namespace this
 * test creates (no packet is sent), saves what the kernel prints, and judges that. With
 * SANDCHECK_WRITE_FIXTURES=1 the saved files are also written to fixtures/egress/kernel/ (the copies the
 * fixture test uses on machines without root).
 */
const tools = ['ip', 'iptables', 'ip6tables', 'iptables-save', 'ip6tables-save', 'nft', 'ipset'];
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
const isRoot = process.getuid?.() === 0;
const reason = !isRoot ? 'not root: network namespaces need CAP_SYS_ADMIN' : missing.length ? `missing tools: ${missing.join(', ')} (apt-get install iptables nftables iproute2 ipset)` : '';
const canNetns = !reason && spawnSync('ip', ['netns', 'add', `sc-test-${process.pid}-probe`]).status === 0;
if (canNetns) spawnSync('ip', ['netns', 'del', `sc-test-${process.pid}-probe`]);
const skip = !canNetns;
if (skip) console.log(`[egress kernel test] skipped: ${reason || 'ip netns add failed (no permission for network namespaces here)'}`);

const created: string[] = [];
afterAll(() => {
  for (const ns of created) spawnSync('ip', ['netns', 'del', ns]);
});

function build(name: string, setup: string, dir: string): void {
  const ns = `sc-test-${process.pid}-${name}`.slice(0, 60);
  execFileSync('ip', ['netns', 'add', ns]);
  created.push(ns);
  try {
    execFileSync('ip', ['netns', 'exec', ns, 'sh', '-ec', setup], { stdio: ['ignore', 'pipe', 'pipe'] });
    // stderr piped: iptables-nft prints "# Warning: table … is managed by iptables-nft" there, which in a test log reads like a failure. execFileSync still throws with it on a non-zero exit.
    const out = (cmd: string[]): string => execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const stamp = (s: string): string => s.replace(/ on \w{3} \w{3} +\d+ [\d:]+ \d{4}/g, '');
    writeFileSync(join(dir, 'iptables.save'), stamp(out(['iptables-save'])));
    writeFileSync(join(dir, 'ip6tables.save'), stamp(out(['ip6tables-save'])));
    writeFileSync(join(dir, 'nft.json'), out(['nft', '-j', 'list', 'ruleset']));
    writeFileSync(join(dir, 'nft.txt'), out(['nft', 'list', 'ruleset']));
    writeFileSync(join(dir, 'ipset.save'), out(['ipset', 'save']));
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
    created.splice(created.indexOf(ns), 1);
  }
}

describe.skipIf(skip)('egress verdicts on rule sets the kernel printed', () => {
  const root = mkdtempSync(join(tmpdir(), 'sc-egress-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  for (const s of SCENARIOS) {
    it(`${s.name}: ${s.trap}`, () => {
      const dir = join(root, s.name);
      mkdirSync(dir);
      build(s.name, s.setup, dir);
      if (process.env.SANDCHECK_WRITE_FIXTURES === '1') {
        const keep = join('fixtures/egress/kernel', s.name);
        mkdirSync(keep, { recursive: true });
        for (const f of ['iptables.save', 'ip6tables.save', 'nft.json', 'nft.txt', 'ipset.save']) execFileSync('cp', [join(dir, f), join(keep, f)]);
      }
      const problems = s.forms.flatMap((form) => check(s, form, judge(s, loadForm(dir, form, s.withIpset))));
      expect(problems).toEqual([]);
      // No namespace of this test is left behind.
      expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`sc-test-${process.pid}-${s.name}`);
    });
  }
});
