import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

// Made-up values, never real credentials.
const PASSWORD = 'Tz7Qm4Wp2Ls9Vb3Nx8Kc';
const TOKEN = 'x7Qm2Rk9LpT4vW8zx7Qm';

const MAIN_TF = `resource "aws_db_instance" "app" {
  engine   = "postgres"
  username = "app"
  password = "${PASSWORD}"   # rotated quarterly
}
module "worker" {
  source      = "./worker"
  api_token   = "\${var.api_token}"
  db_password = var.db_password
  secret_key  = "changeme"
  description = "Kq9Lw3Zr8Tm2Vx7Nb4Hs"
}
`;

describe('Terraform string attributes are judged by name and value', () => {
  it('a literal password in a resource and a token in a .tfvars fail at the value; references, placeholders and other names do not', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'main.tf'), MAIN_TF);
    writeFileSync(join(dir, 'prod.tfvars'), `github_token = "${TOKEN}"\nregion = "eu-west-1"\n`);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\nUSER 10001\n');
    for (const format of ['json', 'text', 'sarif']) {
      const r = sandcheck(['scan', '.', '--format', format], { cwd: dir });
      expectNotPrinted(r.stdout + r.stderr, [PASSWORD, TOKEN]);
    }
    const r = sandcheck(['scan', '.', '--format', 'json'], { cwd: dir });
    const report = json<{ findings: { ruleId: string; location: { file: string; line: number; column: number } }[] }>(r, [PASSWORD, TOKEN]);
    expect(report.findings.filter((f) => f.ruleId.startsWith('secret-')).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.column}`).sort()).toEqual([
      'secret-generic-literal main.tf:4:15',
      'secret-generic-literal prod.tfvars:1:17',
    ]);
    expect(r.code).toBe(1);
  });
});
