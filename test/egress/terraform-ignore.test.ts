import { describe, expect, it } from 'vitest';
import { scanEgress } from './cloud-helpers.js';

// `# sandcheck-ignore` in a Terraform file: the findings on its egress targets honour it, as they do in
// iptables and nftables files (the comment was read for the file's text target only, so it was ignored).
describe('comment suppressions in Terraform files', () => {
  it('a comment with a reason suppresses the finding on the next line; one without a reason suppresses nothing', async () => {
    const scan = await scanEgress(['fixtures/egress/terraform-ignore']);
    const allowAny = scan.raw.filter((f) => f.ruleId === 'egress-allow-any').map((f) => [f.location.line, f.suppressed ?? null]);
    expect(allowAny).toEqual([
      [11, { by: 'inline', reason: "the NAT gateway's firewall allowlists this group's traffic" }],
      [24, null],
    ]);
    // Other rules on the same line are not covered by a comment that names egress-allow-any.
    expect(scan.raw.filter((f) => f.ruleId === 'egress-internal-reachable' && f.location.line === 11 && !f.suppressed)).toHaveLength(1);
    expect(scan.report.findings.filter((f) => f.ruleId === 'suppression-without-reason').map((f) => `${f.location.file}:${f.location.line}`)).toEqual(['fixtures/egress/terraform-ignore/main.tf:23']);
  });
});
