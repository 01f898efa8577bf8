import { describe, expect, it } from 'vitest';
import { scan, tempTrees } from './helpers.js';

const tree = tempTrees('sc-tf-templates-');
const SCRIPT = ['#!/bin/sh', 'export REGION=${region}', 'export DB_PASSWORD="Zx9kQ2wP7vL4mNr8"', 'export WORKER_TOKEN=placeholder', 'docker run -e API_SECRET=h7Gk2LmQ9xWv3TzP worker', ''].join('\n');

/**
 * A script Terraform renders into user_data through templatefile() (or reads with file()) is what an
 * inline heredoc would be: its assignments are judged by name and value, as a heredoc's are. The same
 * script that no configuration reads gets the plain-text scan only.
 */
describe('files a Terraform configuration renders or reads', () => {
  it('are read as a heredoc would be, with the call that reads them', async () => {
    const dir = tree({
      'infra/main.tf': [
        'resource "aws_instance" "sandbox" {',
        '  user_data = templatefile("${path.module}/templates/user-data.sh.tpl", { region = var.region })',
        '}',
        'resource "aws_instance" "worker" {',
        '  user_data = file("boot/worker.sh")',
        '}',
        '',
      ].join('\n'),
      'infra/templates/user-data.sh.tpl': SCRIPT,
      'infra/boot/worker.sh': SCRIPT,
      'infra/templates/unused.sh.tpl': SCRIPT,
    });
    const report = await scan(dir);
    const found = report.findings.filter((f) => f.ruleId === 'secret-generic-literal').map((f) => `${f.location.file}:${f.location.line} ${f.message.replace(/, fingerprint .*$/, '')}`);
    expect(found.sort()).toEqual([
      'infra/boot/worker.sh:3 DB_PASSWORD holds a literal Password (template read by file() in infra/main.tf:5',
      'infra/boot/worker.sh:5 API_SECRET holds a literal Secret value (template read by file() in infra/main.tf:5',
      'infra/templates/user-data.sh.tpl:3 DB_PASSWORD holds a literal Password (template read by templatefile() in infra/main.tf:2',
      'infra/templates/user-data.sh.tpl:5 API_SECRET holds a literal Secret value (template read by templatefile() in infra/main.tf:2',
    ]);
    const text = JSON.stringify(report);
    for (const value of ['Zx9kQ2wP7vL4mNr8', 'h7Gk2LmQ9xWv3TzP']) expect(text).not.toContain(value.slice(2, 12));
  });
});
