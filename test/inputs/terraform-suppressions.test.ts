import { describe, expect, it } from 'vitest';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { terraformHandler } from '../../src/inputs/terraform/handler.js';

/** A .tf file with resources of several providers gives one egress target per provider; its `# sandcheck-ignore` comments are read once for all of them. */
const TF = `resource "aws_security_group" "sandbox" {
  name = "sandbox"
  egress {
    protocol    = "-1"
    # sandcheck-ignore egress-allow-any -- the NAT gateway allowlists this group
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "google_compute_firewall" "tools" {
  name               = "tools"
  network            = "default"
  direction          = "EGRESS"
  # sandcheck-ignore egress-allow-any
  destination_ranges = ["0.0.0.0/0"]
  allow {
    protocol = "all"
  }
}
`;

describe('comment suppressions of a Terraform file with several providers', () => {
  it('every provider target carries the same suppressions, parsed once', () => {
    const { targets } = terraformHandler.parse(makeSourceFile('main.tf', '/tmp/main.tf', TF));
    expect(targets.map((t) => t.id)).toEqual(['egress:terraform:aws:main.tf', 'egress:terraform:gcp:main.tf']);
    const [aws, gcp] = targets;
    expect(aws!.suppressions).toEqual([
      { ruleId: 'egress-allow-any', reason: 'the NAT gateway allowlists this group', source: 'comment', location: { file: 'main.tf', line: 5, column: 5 }, appliesToLine: 6 },
      { ruleId: 'egress-allow-any', reason: null, source: 'comment', location: { file: 'main.tf', line: 14, column: 3 }, appliesToLine: 15 },
    ]);
    expect(gcp!.suppressions).toBe(aws!.suppressions);
  });

  it('a plan or state (terraform show -json) has no comments: no suppressions', () => {
    const plan = JSON.stringify({ format_version: '1.2', planned_values: { root_module: { resources: [{ mode: 'managed', type: 'aws_security_group', name: 'sandbox', values: { name: 'sandbox # sandcheck-ignore egress-allow-any -- not a comment', egress: [] } }] } } });
    const { targets } = terraformHandler.parse(makeSourceFile('plan.json', '/tmp/plan.json', plan));
    expect(targets).toHaveLength(1);
    expect(targets[0]!.suppressions).toEqual([]);
  });
});
