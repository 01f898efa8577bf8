import type { Target } from '../../model/target.js';
import type { ContainerInspect } from './containers.js';

type Mode = 'network' | 'pid' | 'ipc';
const HOST_FIELD = { network: 'hostNetwork', pid: 'hostPID', ipc: 'hostIPC' } as const;
const MODE_FIELD = { network: 'NetworkMode', pid: 'PidMode', ipc: 'IpcMode' } as const;

/** A container of the scan, or one it joins, as the engine describes it. */
export interface JoinableContainer {
  inspect: ContainerInspect;
  workload?: Target<object>;
}

/**
 * `docker run --network container:<x>` (likewise `--pid`, `--ipc`) puts a container in x's namespace; when
 * x is in the host's (directly or through a chain of joins) the container is too, which its own
 * NetworkMode does not say. Marks its workload `hostNetworkJoined` (…): the mode with x's name, located at
 * the HostConfig field (workload-host-namespace). `lookup` finds a container by id, short id or name,
 * including one the scan does not list (it is inspected).
 */
export async function markHostNamespaceJoins(scanned: readonly JoinableContainer[], lookup: (ref: string) => Promise<ContainerInspect | null>): Promise<void> {
  const inHost = async (c: ContainerInspect, mode: Mode, seen: Set<string>): Promise<boolean> => {
    const written = c.HostConfig?.[MODE_FIELD[mode]] ?? '';
    if (written === 'host') return true;
    const ref = joined(written);
    if (ref === null || seen.has(c.Id)) return false;
    seen.add(c.Id);
    const next = await lookup(ref);
    return next !== null && inHost(next, mode, seen);
  };
  for (const { inspect, workload } of scanned) {
    if (!workload) continue;
    for (const mode of ['network', 'pid', 'ipc'] as const) {
      const ref = joined(inspect.HostConfig?.[MODE_FIELD[mode]] ?? '');
      if (ref === null || !(await inHost(inspect, mode, new Set()))) continue;
      const target = await lookup(ref);
      const field = HOST_FIELD[mode];
      (workload.data as Record<string, unknown>)[`${field}Joined`] = `container:${target?.Name?.replace(/^\//, '') || ref}`;
      const at = workload.locations.get(`/${field}`);
      if (at) workload.locations.set(`/${field}Joined`, at);
    }
  }
}

function joined(mode: string): string | null {
  const m = /^container:(.+)$/.exec(mode.trim());
  return m ? m[1]!.trim() : null;
}
