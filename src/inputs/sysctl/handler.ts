import type { Origin } from '../../analyzers/egress/model.js';
import { InputError, type InputHandler, type SourceFile } from '../types.js';
import { hostOf, wholeFileTarget } from '../file-target.js';

/**
 * sysctl settings (`/etc/sysctl.conf`, `/etc/sysctl.d/*.conf`, or `sysctl -a` output) kept beside a
 * host's firewall dumps. Only what egress needs is read: `net.ipv6.conf.all.disable_ipv6` and
 * `net.ipv6.conf.default.disable_ipv6`, which are evidence that IPv6 is off (or on) on that host.
 */

export interface SysctlEgressData {
  layer: 'sysctl';
  /** The directory of the file (absolute): the host whose firewall dumps sit beside it. */
  host: string;
  /** The last value each IPv6 switch is set to in the file, with its line (later lines win, as sysctl -p applies them). */
  disableIpv6: { all?: { value: string; origin: Origin }; default?: { value: string; origin: Origin } };
}

const LINE = /^([a-z][a-z0-9_-]*(?:[./][a-z0-9_*:-]+)+)\s*=\s*(.*)$/;
const KNOWN = /^(net|kernel|vm|fs|user|dev|abi|debug|crypto)[./]/;

/** Every meaningful line is `key = value` with a dotted lower-case key, and one key is a known sysctl tree. */
export function looksLikeSysctl(text: string): boolean {
  let known = false;
  let lines = 0;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = LINE.exec(line.replace(/^-/, ''));
    if (!m) return false;
    if (KNOWN.test(m[1]!)) known = true;
    if (++lines > 5000) break;
  }
  return known;
}

const NAME = /(^|\/)(sysctl\.conf|sysctl\.d\/[^/]+\.conf|[^/]*sysctl[^/]*)$/i;

export function parseSysctl(file: SourceFile): SysctlEgressData {
  const data: SysctlEgressData = { layer: 'sysctl', host: hostOf(file), disableIpv6: {} };
  file.text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) return;
    const m = LINE.exec(line.replace(/^-/, ''));
    if (!m) throw new InputError(file.path, `not a sysctl setting: "${line.slice(0, 60)}"`, i + 1);
    const key = m[1]!.replace(/\//g, '.');
    const which = key === 'net.ipv6.conf.all.disable_ipv6' ? 'all' : key === 'net.ipv6.conf.default.disable_ipv6' ? 'default' : null;
    if (which) data.disableIpv6[which] = { value: m[2]!.trim(), origin: { file: file.path, line: i + 1 } };
  });
  return data;
}

export const sysctlHandler: InputHandler = {
  format: 'sysctl',
  items: ['egress-control'],
  detect(file) {
    return NAME.test(file.path) && looksLikeSysctl(file.text);
  },
  parse(file) {
    const data = parseSysctl(file);
    return { targets: [wholeFileTarget(file, { kind: 'egress', id: `egress:sysctl:${file.path}`, name: `sysctl ${file.path}`, platform: 'firewall', data }, { comments: true })] };
  },
};
