import { interpolate } from '../engine/interpolate.js';
import { SOURCE_KEYS, SOURCE_PLATFORMS, keysUsedBy } from '../model/source-keys.js';
import type { Platform } from '../model/target.js';

/**
 * A rule's remediation as each source format words it, when it names keys (`{{key.capDrop}}`): one
 * `- <format>: <text>` line per format that every key it names has a wording for. A remediation
 * without keys is one paragraph. For the rule pages and the SARIF rule help, which describe the rule
 * rather than one finding (a finding carries its own wording).
 */
export function remediationBySource(rule: { id: string; remediation: string }): string[] {
  const keys = keysUsedBy(rule.remediation);
  if (keys.length === 0) return [rule.remediation.trim()];
  const scope = (platform: Platform | 'default') => ({ target: { name: '', id: rule.id, kind: '', ...(platform === 'default' ? {} : { platform }) }, node: null, value: null });
  return SOURCE_PLATFORMS.filter((p) => keys.every((k) => SOURCE_KEYS[k]?.[p.platform] !== undefined)).map((p) => `- ${p.label}: ${interpolate(rule.remediation.trim(), scope(p.platform))}`);
}
