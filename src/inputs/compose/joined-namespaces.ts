import type { Target } from '../../model/target.js';
import type { ComposeWorkloadData } from './types.js';
import { composeServices, referencedService, type ComposeService } from './volumes-from.js';

type Mode = 'network' | 'pid' | 'ipc';
const HOST_FIELD = { network: 'hostNetwork', pid: 'hostPID', ipc: 'hostIPC' } as const;

/**
 * `network_mode`, `pid` and `ipc: service:<name>` (or `container:<container_name>`) put a service in another
 * service's namespace: joining one that is in the host's (directly, or through a chain of joins) puts it in
 * the host's too, which the workload's own `hostNetwork`/`hostPID`/`hostIPC` (as written) do not say. Marks
 * such a workload with `hostNetworkJoined` (…) holding the mode as written, located where it is written
 * (workload-host-namespace). Runs once every service of a project is known, override pairs merged.
 */
export function markHostNamespaceJoins(targets: readonly Target<object>[]): void {
  const services = composeServices(targets);
  const inHost = (s: ComposeService, mode: Mode, seen: Set<ComposeService>): boolean => {
    if (s.workload.data[HOST_FIELD[mode]]) return true;
    const ref = joined(s.workload.data.namespaceModes?.[mode] ?? null);
    if (ref === null || seen.has(s)) return false;
    seen.add(s);
    const next = referencedService(services, s.workload, ref);
    return next !== undefined && inHost(next, mode, seen);
  };
  for (const s of services) {
    const t: Target<ComposeWorkloadData> = s.workload;
    for (const mode of ['network', 'pid', 'ipc'] as const) {
      const written = t.data.namespaceModes?.[mode] ?? null;
      if (joined(written) === null || !inHost(s, mode, new Set())) continue;
      const field = HOST_FIELD[mode];
      t.data[`${field}Joined`] = written!.trim();
      const at = t.locations.get(`/${field}`);
      if (at) t.locations.set(`/${field}Joined`, at);
    }
  }
}

function joined(mode: string | null): { service: string | null; container: string | null } | null {
  const m = mode === null ? null : /^(service|container):(.+)$/.exec(mode.trim());
  if (!m) return null;
  return m[1] === 'service' ? { service: m[2]!.trim(), container: null } : { service: null, container: m[2]!.trim() };
}
