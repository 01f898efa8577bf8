import { resolve } from 'node:path';
import { CONFIG_AS_TEXT_DETAIL } from '../inputs/collect.js';
import type { InputRecord } from '../model/finding.js';

/**
 * A sandcheck.yaml the walk met that is not this run's configuration: only ./sandcheck.yaml or
 * --config is read as one. `sandcheck scan deploy/` with deploy/sandcheck.yaml beside the manifests
 * otherwise fails on the findings its waivers and egress allowlist were written for, and nothing
 * says why; one warning per such file names the option that uses it.
 */
export function unusedConfigWarnings(inputs: readonly InputRecord[], configFile: string | null | undefined, cwd = process.cwd()): string[] {
  const used = configFile ? resolve(cwd, configFile) : null;
  const which = configFile ? `${configFile} is` : 'none was given: sandcheck reads ./sandcheck.yaml or --config FILE';
  return inputs
    .filter((i) => i.status === 'parsed' && i.format !== null && i.format.endsWith(`(${CONFIG_AS_TEXT_DETAIL})`) && resolve(cwd, i.path) !== used)
    .map((i) => `${i.path} is not this run's configuration (${which}), so its settings do not apply; pass --config ${i.path} to use it`);
}
