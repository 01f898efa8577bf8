import { describe, expect, it } from 'vitest';
import { unusedConfigWarnings } from '../../src/config/unused-config.js';
import type { InputRecord } from '../../src/model/finding.js';
import { sandcheck } from '../helpers/cli.js';

const AS_TEXT = 'text (sandcheck configuration: scanned for secrets only)';
const parsed = (path: string, format: string): InputRecord => ({ path, format, status: 'parsed', targets: 1 });

describe('a sandcheck.yaml the walk met that is not the configuration of the run', () => {
  const inputs = [parsed('deploy/sandcheck.yaml', AS_TEXT), parsed('deploy/worker.yaml', 'kubernetes'), parsed('sandcheck.yaml', AS_TEXT)];

  it('is named with the option that uses it, whether no configuration or another one is in use', () => {
    expect(unusedConfigWarnings(inputs, null, '/repo')).toEqual([
      "deploy/sandcheck.yaml is not this run's configuration (none was given: sandcheck reads ./sandcheck.yaml or --config FILE), so its settings do not apply; pass --config deploy/sandcheck.yaml to use it",
      "sandcheck.yaml is not this run's configuration (none was given: sandcheck reads ./sandcheck.yaml or --config FILE), so its settings do not apply; pass --config sandcheck.yaml to use it",
    ]);
    expect(unusedConfigWarnings(inputs, 'sandcheck.yaml', '/repo')).toEqual([
      "deploy/sandcheck.yaml is not this run's configuration (sandcheck.yaml is), so its settings do not apply; pass --config deploy/sandcheck.yaml to use it",
    ]);
  });

  it('says nothing for the configuration in use, however it is named', () => {
    expect(unusedConfigWarnings([inputs[0]!], '/repo/deploy/sandcheck.yaml', '/repo')).toEqual([]);
    expect(unusedConfigWarnings([inputs[0]!], './deploy/sandcheck.yaml', '/repo')).toEqual([]);
  });

  it('the CLI warns on stderr when the hardened example is scanned without its --config, and not with it', () => {
    const dir = 'fixtures/sandboxes/hardened';
    const without = sandcheck(['scan', dir, '-q']);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(`sandcheck: warning: ${dir}/sandcheck.yaml is not this run's configuration (none was given: sandcheck reads ./sandcheck.yaml or --config FILE), so its settings do not apply; pass --config ${dir}/sandcheck.yaml to use it\n`);
    const withIt = sandcheck(['scan', dir, '-q', '--config', `${dir}/sandcheck.yaml`]);
    expect([withIt.code, withIt.stderr]).toEqual([0, '']);
  });
});
