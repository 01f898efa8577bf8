import type { Profile } from '../../model/workload.js';
import type { SourcePath } from '../source-locator.js';
import type { FieldReader } from './values.js';

/** What `security_opt` decides, with the index of the entry that decided each value (and its text, for messages). */
export interface SecurityOpts {
  seccomp: Profile;
  apparmor: Profile;
  selinuxType: string | null;
  /** The entry that set the SELinux type, as the file spells it. */
  selinuxText: string | null;
  /** Some `label` entry is present: Docker then keeps labelling even for a privileged or host-PID/IPC container. */
  labelled: boolean;
  noNewPrivileges: boolean;
  /** `systempaths=unconfined`: /proc and /sys paths Docker masks are exposed. */
  systemPathsUnconfined: boolean;
  at: { seccomp?: number; apparmor?: number; selinux?: number; noNewPrivileges?: number; systemPaths?: number };
}

/**
 * Docker accepts `key=value` and the older `key:value`; both appear in real compose files.
 * `label=disable` turns SELinux labelling off: Docker runs such a container as `spc_t`, which is how it is recorded.
 */
export function readSecurityOpts(r: FieldReader, value: unknown): SecurityOpts {
  const out: SecurityOpts = {
    seccomp: { type: 'RuntimeDefault', profile: null, source: 'runtime-default' },
    apparmor: { type: 'RuntimeDefault', profile: null, source: 'runtime-default' },
    selinuxType: null,
    selinuxText: null,
    labelled: false,
    noNewPrivileges: false,
    systemPathsUnconfined: false,
    at: {},
  };
  r.strList(value, ['security_opt']).forEach((raw, i) => {
    const path: SourcePath = ['security_opt', i];
    const opt = raw.trim();
    const cut = opt.search(/[=:]/);
    const key = (cut < 0 ? opt : opt.slice(0, cut)).toLowerCase();
    const val = cut < 0 ? null : opt.slice(cut + 1).trim();
    // A finding quotes the entry as written (`seccomp:unconfined` stays so), where the reader will look for it.
    const text = `\`security_opt: [${opt}]\``;
    switch (key) {
      case 'seccomp':
        out.seccomp = { ...profile(r, val, path, 'seccomp'), text };
        out.at.seccomp = i;
        break;
      case 'apparmor':
        out.apparmor = { ...profile(r, val, path, 'apparmor'), text };
        out.at.apparmor = i;
        break;
      case 'label': {
        if (val === null) r.fail(path, `${r.label(path)} 'label' needs a value (disable, type:…, user:…, role:…, level:…)`);
        out.labelled = true;
        if (val === 'disable') {
          out.selinuxType = 'spc_t';
          out.selinuxText = `${text}, which turns SELinux labelling off`;
          out.at.selinux = i;
        } else {
          const m = /^type[:=](.+)$/.exec(val);
          if (m) {
            out.selinuxType = m[1]!;
            out.selinuxText = text;
            out.at.selinux = i;
          }
        }
        break;
      }
      case 'no-new-privileges': {
        const v = (val ?? 'true').toLowerCase();
        if (v !== 'true' && v !== 'false') r.fail(path, `${r.label(path)} no-new-privileges must be true or false`);
        out.noNewPrivileges = v === 'true';
        out.at.noNewPrivileges = i;
        break;
      }
      case 'systempaths':
        out.systemPathsUnconfined = val === 'unconfined';
        out.at.systemPaths = i;
        break;
      default:
        r.fail(path, `${r.label(path)} '${key}' is not a Docker security option (seccomp, apparmor, label, no-new-privileges, systempaths)`);
    }
  });
  return out;
}

function profile(r: FieldReader, val: string | null, path: SourcePath, what: string): Profile {
  if (!val) return r.fail(path, `${r.label(path)} '${what}' needs a value`);
  if (val.toLowerCase() === 'unconfined') return { type: 'Unconfined', profile: null, source: 'service' };
  if (val === 'docker-default' || val === 'builtin') return { type: 'RuntimeDefault', profile: val, source: 'service' };
  return { type: 'Localhost', profile: val, source: 'service' };
}
