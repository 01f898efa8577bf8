import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { scan, tempTrees } from '../secrets/helpers.js';

/**
 * The environment key by name in files sandcheck reads as text only. The YAML form
 * (`ANTHROPIC_ENVIRONMENT_KEY: value` in a CI workflow) was found, the JSON form of the same
 * assignment (`"ANTHROPIC_ENVIRONMENT_KEY": "value"` in devcontainer.json or a launch config) and a
 * subscript (`os.environ["ANTHROPIC_ENVIRONMENT_KEY"] = "value"`) were not. Fake values.
 */
const tree = tempTrees('sc-named-');
const V = 'Wm3Kx9Tq2LpZ7vRb4NcY8sHd6FgJ1aEu';

describe('ANTHROPIC_*_KEY assignments in text files', () => {
  it('a quoted name (JSON, Python and JS subscripts) is an assignment like a bare one', async () => {
    const dir = tree({
      '.devcontainer/devcontainer.json': `{\n  "containerEnv": {\n    "ANTHROPIC_ENVIRONMENT_KEY": "${V}1"\n  }\n}\n`,
      'app.py': `import os\nos.environ["ANTHROPIC_ENVIRONMENT_KEY"] = "${V}2"\nos.environ['ANTHROPIC_API_KEY']='${V}3'\n`,
      'settings.json': `{"env": {"ANTHROPIC_ENVIRONMENT_KEY":"${V}4"}}\n`,
    });
    const r = await scan(dir);
    const found = r.findings
      .filter((f) => f.checklist === 'key-storage')
      .map((f) => [f.ruleId, f.location.file, f.location.line, f.message.match(/fingerprint (\S+?)\)/)?.[1]])
      .sort();
    expect(found).toEqual([
      ['secret-anthropic-key-literal', 'app.py', 3, fingerprint(`${V}3`)],
      ['secret-environment-key-literal', '.devcontainer/devcontainer.json', 3, fingerprint(`${V}1`)],
      ['secret-environment-key-literal', 'app.py', 2, fingerprint(`${V}2`)],
      ['secret-environment-key-literal', 'settings.json', 1, fingerprint(`${V}4`)],
    ]);
  });

  it('reading the variable is not an assignment', async () => {
    const dir = tree({
      'app.py': `import os\nkey = os.environ["ANTHROPIC_ENVIRONMENT_KEY"]\nif os.environ.get("ANTHROPIC_ENVIRONMENT_KEY") == "abc":\n  pass\nx = env["ANTHROPIC_ENVIRONMENT_KEY"] == "Zk3Lm9Qw2Rt7Vb4Nc8Xs"\n`,
      'a.json': `{"required": ["ANTHROPIC_ENVIRONMENT_KEY"], "name": "ANTHROPIC_ENVIRONMENT_KEY"}\n`,
    });
    const r = await scan(dir);
    expect(r.findings.filter((f) => f.checklist === 'key-storage')).toEqual([]);
  });
});

describe('ANTHROPIC_*_KEY assignments inside a one-line ConfigMap or Secret value', () => {
  it('a dotenv line or a JSON document written on one line is read like a block scalar', async () => {
    const dir = tree({
      'cm.yaml': [
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata: {name: c2, namespace: a}',
        'data:',
        '  app.env: |',
        '    LOG_LEVEL=info',
        `    ANTHROPIC_ENVIRONMENT_KEY=${V}b`,
        `  inline.env: "ANTHROPIC_ENVIRONMENT_KEY=${V}c"`,
        `  settings.json: '{"ANTHROPIC_ENVIRONMENT_KEY": "${V}d"}'`,
        `  escaped.json: "{\\"ANTHROPIC_ENVIRONMENT_KEY\\": \\"${V}e\\"}"`,
        '  other.json: \'{"log": "info"}\'',
        '',
      ].join('\n'),
    });
    const r = await scan(dir);
    const found = r.findings
      .filter((f) => f.checklist === 'key-storage')
      .map((f) => [f.ruleId, f.location.line, f.message.match(/fingerprint (\S+?)\)/)?.[1]])
      .sort((a, b) => (a[1] as number) - (b[1] as number));
    expect(found).toEqual([
      ['secret-environment-key-literal', 7, fingerprint(`${V}b`)],
      ['secret-environment-key-literal', 8, fingerprint(`${V}c`)],
      ['secret-environment-key-literal', 9, fingerprint(`${V}d`)],
      ['secret-environment-key-literal', 10, fingerprint(`${V}e`)],
    ]);
  });
});
