import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedPairs } from '../../src/analyzers/secrets/embedded-pairs.js';
import { fingerprint, secretNameKind } from '../../src/analyzers/secrets/index.js';
import type { Report } from '../../src/model/finding.js';
import { json, sandcheck } from '../helpers/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { scan, tempTrees } from './helpers.js';

// Made-up values, never real credentials.
const ENV_KEY = 'qwmzrtplkvnbhgfdsazxcvtr';
const DB_PASSWORD = 'Tz7Qm4Wp2Ls9Vb3Nx8Kc';
const API_KEYS = 'Hq3Lw8Zr2Tm7Vx4Nb9Ks,Kq9Lw3Zr8Tm2Vx7Nb4Hs';
const ENVIRONMENT_FILE = 'Jc6Vn2Qx8Lw4Tz7Rb3Km';
const DOCKER_RUN = 'Pn4Rv5Jx2Wq8Lm3Tz9Kb';
const CLOUD_INIT = 'Lz2Rt7Vn3Kb8JsMw4Xq9';
const ECS = 'Rv5Jx2Wq8Lm3Tz9Kb4Pn';
const K8S_BLOCK = 'Mw4Xq9Lz2Rt7Vn3Kb8Js';
const IN_STRING = 'Vb3Nx8KcTz7Qm4Wp2Ls9';
const ALL = [ENV_KEY, DB_PASSWORD, API_KEYS, ENVIRONMENT_FILE, DOCKER_RUN, CLOUD_INIT, ECS, K8S_BLOCK, IN_STRING];

const MAIN_TF = `resource "aws_instance" "worker" {
  ami       = "ami-0a1b2c3d"
  user_data = <<-EOF
    #!/bin/bash
    export ANTHROPIC_ENVIRONMENT_KEY=${ENV_KEY}
    export DB_PASSWORD="${DB_PASSWORD}"
    API_KEYS='${API_KEYS}'
    echo "SESSION_SECRET=${ENVIRONMENT_FILE}" >> /etc/environment
    docker run -e WORKER_TOKEN=${DOCKER_RUN} worker:1
    export CACHE_PASSWORD="\${var.cache_password}"
    export READ_TOKEN=$(cat /run/secrets/token)
    export LOG_LEVEL=debug
  EOF
}
resource "aws_instance" "cloud_init" {
  user_data = <<EOT
#cloud-config
write_files:
  - path: /etc/worker.yaml
    content: |
      queue_secret: ${CLOUD_INIT}
EOT
}
resource "aws_ecs_task_definition" "worker" {
  container_definitions = <<EOF
[{"name": "worker", "environment": [{"name": "APP_SECRET", "value": "${ECS}"}, {"name": "MODE", "value": "prod"}]}]
EOF
}
resource "kubernetes_deployment" "worker" {
  spec {
    container {
      env {
        name  = "WORKER_API_KEY"
        value = "${K8S_BLOCK}"
      }
      env {
        name  = "REGION"
        value = "eu-west-1"
      }
    }
  }
}
resource "null_resource" "one_line" {
  triggers = {
    script = "#!/bin/sh\\nexport STRIPE_KEYS=${IN_STRING}\\n"
  }
}
`;

const keyStorage = (rep: Report) =>
  rep.findings
    .filter((f) => f.checklist === 'key-storage' && !f.suppressed)
    .map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.column}`)
    .sort();

describe('embeddedPairs: assignments inside a script or config value', () => {
  it('reads shell, env, YAML and JSON forms, and name/value objects, at the offset of the value', () => {
    const text = 'export A_KEY="v1"\necho "B=v2" >> f\nc_token: v3\n{"d": "v4", "name": "E_SECRET", "value": "v5"}\n- name: F\n  value: v6\n';
    expect(embeddedPairs(text).map((p) => [p.name, p.value, text.slice(p.offset, p.offset + 2)])).toEqual([
      ['A_KEY', 'v1', 'v1'],
      ['B', 'v2', 'v2'],
      ['c_token', 'v3', 'v3'],
      ['d', 'v4', 'v4'],
      ['name', 'E_SECRET', 'E_'],
      ['value', 'v5', 'v5'],
      ['name', 'F', 'F\n'],
      ['value', 'v6', 'v6'],
      ['E_SECRET', 'v5', 'v5'],
      ['F', 'v6', 'v6'],
    ]);
  });

  it('a value is not paired with the name of another object or list item', () => {
    expect(embeddedPairs('[{"name": "A_SECRET"}, {"value": "x"}]').map((p) => p.name)).toEqual(['name', 'value']);
    expect(embeddedPairs('- name: A_SECRET\n- value: x\n').map((p) => p.name)).toEqual(['name', 'value']);
  });

  it('runs in linear time on inputs built to make a backtracking regex explode (1 MB each)', () => {
    const size = 1 << 20;
    const inputs = [
      'a: b' + ' '.repeat(size) + 'c',
      'k: ' + ' #'.repeat(size / 2),
      ' ' + 'a'.repeat(size),
      '"' + 'a'.repeat(size),
      '"k": "' + '\\"'.repeat(size / 2),
      'X=' + '"'.repeat(size),
      ('- name: A_SECRET\n  note: ' + 'x '.repeat(100) + '\n').repeat(size / 230),
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      embeddedPairs(text);
      expect(performance.now() - t0).toBeLessThan(3000);
    }
  });

  it('plural secret names are secret names; single words and public qualifiers are not', () => {
    expect(['API_KEYS', 'db_passwords', 'STRIPE_SECRET_KEYS', 'ACCESS_TOKENS', 'KEYS', 'TOKENS', 'SORT_KEYS', 'SSH_AUTHORIZED_KEYS', 'PUBLIC_KEYS'].map((n) => secretNameKind(n))).toEqual([
      'key', 'password', 'key', 'key', null, null, null, null, null,
    ]);
  });

  it('a qualifier that names a kind of key (CACHE_KEY, REGISTRY_KEY) does not make a password of the same qualifier a non-secret', () => {
    expect(['CACHE_KEY', 'REGISTRY_KEY', 'CACHE_PASSWORD', 'REGISTRY_PASSWORD', 'HEADER_SECRET'].map((n) => secretNameKind(n))).toEqual([null, null, 'password', 'password', 'key']);
  });
});

describe('Terraform heredocs are read as the script or config file they hold', () => {
  const tree = tempTrees('sc-tf-heredoc-');

  it('each literal assignment is reported at its own line and column; references and other names are not', async () => {
    const rep = await scan(tree({ 'main.tf': MAIN_TF }));
    expectNotPrinted(JSON.stringify(rep), ALL);
    expect(keyStorage(rep)).toEqual([
      'secret-environment-key-literal main.tf:5:38',
      'secret-generic-literal main.tf:21:21',
      'secret-generic-literal main.tf:26:70',
      'secret-generic-literal main.tf:34:18',
      'secret-generic-literal main.tf:45:15',
      'secret-generic-literal main.tf:6:25',
      'secret-generic-literal main.tf:7:15',
      'secret-generic-literal main.tf:8:26',
      'secret-generic-literal main.tf:9:32',
    ]);
    const names = rep.findings.filter((f) => f.checklist === 'key-storage').map((f) => f.message.split(' ')[0]);
    expect(names.sort()).toEqual(['ANTHROPIC_ENVIRONMENT_KEY', 'API_KEYS', 'APP_SECRET', 'DB_PASSWORD', 'SESSION_SECRET', 'STRIPE_KEYS', 'WORKER_API_KEY', 'WORKER_TOKEN', 'queue_secret']);
    const env = rep.findings.find((f) => f.ruleId === 'secret-environment-key-literal')!;
    // Not token-shaped (no digit): the text scan passes it by, the heredoc read as a script does not.
    expect(env.message).toBe(`ANTHROPIC_ENVIRONMENT_KEY holds a literal environment service key (heredoc user_data, fingerprint ${fingerprint(ENV_KEY)})`);
    const where = (name: string) => rep.findings.find((f) => f.message.startsWith(`${name} `))!.message.replace(/^.*\((.*), fingerprint.*$/, '$1');
    expect(['DB_PASSWORD', 'queue_secret', 'APP_SECRET', 'WORKER_API_KEY', 'STRIPE_KEYS'].map(where)).toEqual(['heredoc user_data', 'heredoc user_data', 'heredoc container_definitions', 'text', 'string script']);
  });

  it('at the CLI: exit 1, no value in any format nor in --debug-secrets, a reference listed as dropped', () => {
    const dir = tree({ 'main.tf': MAIN_TF });
    for (const format of ['text', 'sarif', 'markdown', 'junit']) {
      const res = sandcheck(['scan', '.', '-f', format], { cwd: dir });
      expectNotPrinted(res.stdout + res.stderr, ALL);
      expect(res.code).toBe(1);
    }
    const debug = sandcheck(['scan', '.', '--debug-secrets', '-f', 'json', '-o', join(dir, 'out.json')], { cwd: dir });
    expectNotPrinted(debug.stdout + debug.stderr, ALL);
    expect(debug.stderr).toContain(`main.tf:10 generic-secret reference ${fingerprint('\${var.cache_password}')} CACHE_PASSWORD`);
    expect(debug.stderr).toContain(`main.tf:11 generic-secret reference ${fingerprint('$(cat /run/secrets/token)')} READ_TOKEN`);
    const res = sandcheck(['scan', '.', '-f', 'json'], { cwd: dir });
    expect(keyStorage(json<Report>(res, ALL))).toHaveLength(9);
    expect(res.code).toBe(1);
  });

  it('the environment key under a prefixed name, or with a value that is not token-shaped, is the critical finding', async () => {
    const prefixed = 'Wq8Lm3Tz9Kb4PnRv5Jx2Lz7N';
    const dotted = 'Wq8.Lm3Tz9.Kb4PnRv5';
    const dir = tree({ 'worker.tf': `resource "aws_instance" "w" {\n  user_data = <<EOF\nexport TF_VAR_ANTHROPIC_ENVIRONMENT_KEY=${prefixed}\nANTHROPIC_ENVIRONMENT_KEY="${dotted}"\nEOF\n}\n` });
    const rep = await scan(dir);
    expectNotPrinted(JSON.stringify(rep), [prefixed, dotted]);
    expect(keyStorage(rep)).toEqual(['secret-environment-key-literal worker.tf:3:41', 'secret-environment-key-literal worker.tf:4:28']);
    expect(rep.findings.map((f) => f.message.split(' ')[0]).sort()).toEqual(['ANTHROPIC_ENVIRONMENT_KEY', 'TF_VAR_ANTHROPIC_ENVIRONMENT_KEY']);
  });

  it('a parameter store value under its path, a secret_string, and jsonencode name/value objects are judged by name', async () => {
    const ssm = 'Jx2Wq8Lm3Tz9Kb4PnRv5!';
    const secretString = 'Lm3Tz9Kb4PnRv5Jx2Wq8Xc';
    const ecs = 'Tz9Kb4PnRv5Jx2Wq8Lm3Qa';
    const dir = tree({
      'params.tf': [
        'resource "aws_ssm_parameter" "db" {',
        '  name  = "/prod/db/password"',
        '  type  = "SecureString"',
        `  value = "${ssm}"`,
        '}',
        'resource "aws_ssm_parameter" "region" {',
        '  name  = "/prod/region"',
        '  value = "eu-west-1"',
        '}',
        'resource "aws_secretsmanager_secret_version" "api" {',
        '  secret_id     = aws_secretsmanager_secret.api.id',
        `  secret_string = "${secretString}"`,
        '}',
        'resource "aws_ecs_task_definition" "worker" {',
        '  container_definitions = jsonencode([{',
        '    name        = "worker"',
        `    environment = [{ name = "QUEUE_SECRET", value = "${ecs}" }, { name = "MODE", value = "prod" }]`,
        '    secrets     = [{ name = "DB_PASSWORD", valueFrom = "arn:aws:secretsmanager:eu-west-1:1:secret:db" }]',
        '  }])',
        '}',
        '',
      ].join('\n'),
    });
    const rep = await scan(dir);
    expectNotPrinted(JSON.stringify(rep), [ssm, secretString, ecs]);
    expect(keyStorage(rep)).toEqual(['secret-generic-literal params.tf:12:20', 'secret-generic-literal params.tf:17:54', 'secret-generic-literal params.tf:4:12']);
    expect(rep.findings.map((f) => f.message.split(' ')[0]).sort()).toEqual(['QUEUE_SECRET', 'password', 'secret_string']);
  });

  it('--debug-secrets lists a dropped candidate in a heredoc once per detector, though four passes judge it', () => {
    const placeholder = `ghp_${'x'.repeat(36)}`;
    const dir = tree({ 'main.tf': `resource "aws_instance" "w" {\n  user_data = <<EOF\nexport GH_TOKEN=${placeholder}\nEOF\n}\n` });
    const res = sandcheck(['scan', '.', '--debug-secrets', '-f', 'json'], { cwd: dir });
    expect(res.stderr.split('\n').filter((l) => l.includes('dropped main.tf:'))).toEqual([
      `sandcheck: dropped main.tf:3 generic-secret placeholder ${fingerprint(placeholder)} GH_TOKEN (a placeholder)`,
      `sandcheck: dropped main.tf:3 github-token placeholder ${fingerprint(placeholder)} (a placeholder)`,
    ]);
  });

  it('a # sandcheck-ignore line inside the heredoc suppresses the next line, as in a script', async () => {
    const dir = tree({ 'main.tf': MAIN_TF.replace('    export DB_PASSWORD=', '    # sandcheck-ignore secret-generic-literal -- staging database, rotated weekly\n    export DB_PASSWORD=') });
    writeFileSync(join(dir, 'unused'), '');
    const rep = await scan(dir);
    const suppressed = rep.findings.filter((f) => f.suppressed).map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}`);
    expect(suppressed).toEqual(['secret-generic-literal main.tf:7']);
  });
});
