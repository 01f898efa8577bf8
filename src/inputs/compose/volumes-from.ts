import { dirname } from 'node:path';
import type { Mount } from '../../model/workload.js';
import type { Target } from '../../model/target.js';
import type { ComposeContainerData, ComposeWorkloadData } from './types.js';

export interface ComposeService {
  workload: Target<ComposeWorkloadData>;
  container: Target<ComposeContainerData> | undefined;
}

/** The compose services of a scan, each with its container target. */
export function composeServices(targets: readonly Target<object>[]): ComposeService[] {
  const containers = new Map(targets.filter((t) => t.kind === 'container' && t.platform === 'compose').map((t) => [t.parentId, t as Target<ComposeContainerData>]));
  return targets
    .filter((t): t is Target<ComposeWorkloadData> => t.kind === 'workload' && t.platform === 'compose' && 'project' in t.data)
    .map((workload) => ({ workload, container: containers.get(workload.id) }));
}

/**
 * The service a `service:<name>` / `container:<container_name>` reference of `from` names: in its project,
 * in its file first, else beside it (a compose.yaml + compose.override.yaml pair).
 */
export function referencedService(services: readonly ComposeService[], from: Target<ComposeWorkloadData>, ref: { service: string | null; container: string | null }): ComposeService | undefined {
  const hits = services.filter(({ workload: w }) => w.data.project === from.data.project && (ref.service !== null ? w.data.name === ref.service : w.data.containerName === ref.container));
  return hits.find((s) => s.workload.file === from.file) ?? hits.find((s) => s.workload.file !== undefined && from.file !== undefined && dirname(s.workload.file) === dirname(from.file));
}

/**
 * `volumes_from` gives a service every mount of the named service (read-only with `:ro`), the mounts that
 * one has from its own `volumes_from` included; a mount of its own at the same path wins. Each borrowed
 * mount is added to the container (and its host path or volume to the workload), located at the
 * `volumes_from` entry, so the mount rules judge it (a borrowed /var/run/docker.sock is the socket).
 * Runs once every service of a project is known, override pairs merged.
 */
export function shareVolumesFrom(targets: readonly Target<object>[]): void {
  const services = composeServices(targets);
  const borrowed = new Map<ComposeService, { mount: Mount; entry: number }[]>();
  const mountsOf = (s: ComposeService, seen: Set<ComposeService>): Mount[] => {
    const own = s.container?.data.mounts ?? [];
    if (seen.has(s)) return own;
    seen.add(s);
    return [...own, ...(from(s, seen).map((b) => b.mount))];
  };
  const from = (s: ComposeService, seen: Set<ComposeService>): { mount: Mount; entry: number }[] => {
    const out: { mount: Mount; entry: number }[] = [];
    (s.workload.data.volumesFrom ?? []).forEach((ref, entry) => {
      const source = referencedService(services, s.workload, ref);
      if (!source || source === s) return;
      for (const m of mountsOf(source, new Set(seen))) out.push({ mount: { ...m, readOnly: m.readOnly || ref.readOnly }, entry });
    });
    return out;
  };
  for (const s of services) if (s.workload.data.volumesFrom?.length) borrowed.set(s, from(s, new Set()));
  for (const [s, list] of borrowed) {
    const { workload, container } = s;
    if (!container) continue;
    const paths = new Set(container.data.mounts.map((m) => m.mountPath));
    for (const { mount, entry } of list) {
      if (paths.has(mount.mountPath)) continue;
      paths.add(mount.mountPath);
      const at = workload.locations.get(`/volumesFrom/${entry}`);
      container.data.mounts.push(mount);
      if (at) container.locations.set(`/mounts/${container.data.mounts.length - 1}`, at);
      if (mount.volume === '(anonymous)') continue;
      const same = workload.data.volumes.find((v) => v.name === mount.volume && v.type === mount.volumeType);
      if (same) {
        same.readOnly = same.readOnly && mount.readOnly;
        continue;
      }
      const holder = services.flatMap((o) => o.workload.data.volumes).find((v) => v.name === mount.volume && v.type === mount.volumeType);
      workload.data.volumes.push({ name: mount.volume, type: mount.volumeType, hostPath: mount.hostPath, driver: holder?.driver ?? null, readOnly: mount.readOnly });
      if (at) workload.locations.set(`/volumes/${workload.data.volumes.length - 1}`, at);
    }
  }
}
