import { dirname } from 'node:path';
import type { Target } from '../../model/target.js';
import type { ComposeWorkloadData } from './types.js';

type Mode = 'network' | 'pid' | 'ipc';
const HOST_FIELD = { network: 'hostNetwork', pid: 'hostPID', ipc: 'hostIPC' } as const;

/**
 * `network_mode`, `pid` and `ipc: service:<name>` put a service in another service's namespace: joining one
 * that is in the host's (directly, or through a chain of joins) puts it in the host's too, which the
 * workload's own `hostNetwork`/`hostPID`/`hostIPC` (as written) do not say. Marks such a workload with
 * `hostNetworkJoined` (…) holding the mode as written, located where it is written (workload-host-namespace).
 * Runs once every service of a project is known, override pairs merged.
 */
export function markHostNamespaceJoins(targets: readonly Target<object>[]): void {
  const services = targets.filter((t): t is Target<ComposeWorkloadData> => t.kind === 'workload' && t.platform === 'compose' && 'project' in t.data);
  const find = (from: Target<ComposeWorkloadData>, name: string): Target<ComposeWorkloadData> | undefined => {
    const sameProject = services.filter((s) => s.data.name === name && s.data.project === from.data.project);
    return sameProject.find((s) => s.file === from.file) ?? sameProject.find((s) => s.file !== undefined && from.file !== undefined && dirname(s.file) === dirname(from.file));
  };
  const inHost = (t: Target<ComposeWorkloadData>, mode: Mode, seen: Set<Target<object>>): boolean => {
    if (t.data[HOST_FIELD[mode]]) return true;
    const joins = joinedService(t.data.namespaceModes?.[mode] ?? null);
    if (joins === null || seen.has(t)) return false;
    seen.add(t);
    const next = find(t, joins);
    return next !== undefined && inHost(next, mode, seen);
  };
  for (const t of services) {
    for (const mode of ['network', 'pid', 'ipc'] as const) {
      const written = t.data.namespaceModes?.[mode] ?? null;
      if (joinedService(written) === null || !inHost(t, mode, new Set())) continue;
      const field = HOST_FIELD[mode];
      t.data[`${field}Joined`] = written!.trim();
      const at = t.locations.get(`/${field}`);
      if (at) t.locations.set(`/${field}Joined`, at);
    }
  }
}

function joinedService(mode: string | null): string | null {
  const m = mode === null ? null : /^service:(.+)$/.exec(mode.trim());
  return m ? m[1]!.trim() : null;
}
