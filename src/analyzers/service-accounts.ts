import type { Inventory } from '../engine/types.js';
import type { Target } from '../model/target.js';
import type { WorkloadData } from '../model/workload.js';

/**
 * A pod that does not set automountServiceAccountToken inherits its ServiceAccount's setting
 * (when that ServiceAccount is in the scan), else the Kubernetes default: mounted.
 */
export function linkServiceAccounts(inv: Inventory): void {
  const accounts = new Map<string, Target<object>>();
  for (const sa of inv.byKind('serviceaccount')) {
    const d = sa.data as { name: string; namespace: string | null };
    accounts.set(`${d.namespace ?? ''}/${d.name}`, sa);
  }
  if (accounts.size === 0) return;
  for (const t of inv.byKind('workload')) {
    const w = t.data as WorkloadData;
    if (w.platform !== 'kubernetes' || w.automountSource !== 'default') continue;
    const sa = accounts.get(`${w.namespace ?? ''}/${w.serviceAccountName ?? 'default'}`);
    const value = (sa?.data as { automountServiceAccountToken: boolean | null } | undefined)?.automountServiceAccountToken;
    if (sa && typeof value === 'boolean') {
      w.automountServiceAccountToken = value;
      w.automountSource = 'serviceaccount';
      const loc = sa.locations.get('/automountServiceAccountToken');
      if (loc) t.locations.set('/automountServiceAccountToken', loc);
    }
  }
}
