import { describe, expect, it } from 'vitest';
import { rng, tokens } from '../../bench/secrets/tokens.js';
import { hclLiterals } from '../../src/inputs/terraform/hcl.js';
import { expectNotPrinted } from '../helpers/redaction.js';
import { scan, tempTrees } from './helpers.js';

// Made-up values, never real credentials.
const HEREDOC = 'Tz7Qm4Wp2Ls9Vb3Nx8Kc';
const INDENTED = 'Hq3Lw8Zr2Tm7Vx4Nb9Ks';
const MAP_KEY = 'Kq9Lw3Zr8Tm2Vx7Nb4Hs';
const QUOTED_KEY = 'Rv5Jx2Wq8Lm3Tz9Kb4Pn';
const LISTED = 'Mw4Xq9Lz2Rt7Vn3Kb8Js';
const IN_LIST_OBJECT = 'Jc6Vn2Qx8Lw4Tz7Rb3Km';
const GITHUB = tokens.github(rng(577));
const ALL = [HEREDOC, INDENTED, MAP_KEY, QUOTED_KEY, LISTED, IN_LIST_OBJECT, GITHUB];

const MAIN_TF = `resource "aws_db_instance" "heredoc" {
  username = "app"
  password = <<EOT
${HEREDOC}
EOT
}
resource "aws_db_instance" "indented" {
  password = <<-EOT
    ${INDENTED}
  EOT
}
resource "kubernetes_secret" "map" {
  data = {
    db_password = "${MAP_KEY}"
    "api_token" = "${QUOTED_KEY}"
  }
}
module "list" {
  source = "./m"
  db_passwords = [
    "${LISTED}",
  ]
  note = c ? "x" : "y"
  users = [
    {
      name     = "deploy"
      password = "${IN_LIST_OBJECT}"
    },
  ]
}
resource "null_resource" "script" {
  secret_key = <<-EOT
    first line of the value
      ${GITHUB}
  EOT
}
`;

describe('Terraform values over several lines', () => {
  it('hclLiterals: heredocs (indentation stripped for <<-), map keys quoted or not, list elements under the list name, located at the text', () => {
    expect(hclLiterals(MAIN_TF, 'main.tf').map(({ name, value, line, column }) => [name, value, line, column])).toEqual([
      ['username', 'app', 2, 15],
      ['password', HEREDOC, 4, 1],
      ['password', INDENTED, 9, 5],
      ['db_password', MAP_KEY, 14, 20],
      ['api_token', QUOTED_KEY, 15, 20],
      ['source', './m', 19, 13],
      ['db_passwords', LISTED, 21, 6],
      ['name', 'deploy', 26, 19],
      ['password', IN_LIST_OBJECT, 27, 19],
      ['secret_key', `first line of the value\n  ${GITHUB}`, 33, 5],
    ]);
  });

  it('a file the tokenizer cannot read falls back to one-line attributes', () => {
    expect(hclLiterals('a = "one"\nb = "unterminated\n', 'x.tf')).toEqual([{ name: 'a', value: 'one', line: 1, column: 6 }]);
  });

  const tree = tempTrees('sc-tf-multiline-');
  // A list element is judged under the list's name: a plural secret name (db_passwords) is a secret's name,
  // so LISTED is a finding, as are the elements of a list of objects.
  // A key inside a multi-line value is reported once, at its own line (the text scan and the pair agree).
  it('each secret is reported at its own line and column, and none is printed', async () => {
    const rep = await scan(tree({ 'main.tf': MAIN_TF }));
    expectNotPrinted(JSON.stringify(rep), ALL);
    expect(rep.findings.filter((f) => f.checklist === 'key-storage' && f.verdict === 'fail').map((f) => `${f.ruleId} ${f.location.file}:${f.location.line}:${f.location.column}`).sort()).toEqual([
      'secret-generic-literal main.tf:14:20',
      'secret-generic-literal main.tf:15:20',
      'secret-generic-literal main.tf:21:6',
      'secret-generic-literal main.tf:27:19',
      'secret-generic-literal main.tf:4:1',
      'secret-generic-literal main.tf:9:5',
      'secret-provider-token main.tf:34:7',
    ]);
  });
});
