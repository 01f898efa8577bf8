import type { SandcheckConfig } from '../config/types.js';
import type { InputRecord } from '../model/finding.js';
import type { Target, TargetKind } from '../model/target.js';
import type { Inventory } from './types.js';

export function buildInventory(targets: Target<object>[], inputs: InputRecord[], config: SandcheckConfig, now: Date = new Date()): Inventory {
  const byKind = new Map<TargetKind, Target<object>[]>();
  const byId = new Map<string, Target<object>>();
  for (const t of targets) {
    let list = byKind.get(t.kind);
    if (!list) byKind.set(t.kind, (list = []));
    list.push(t);
    if (!byId.has(t.id)) byId.set(t.id, t);
  }
  return {
    targets,
    byKind: (kind) => byKind.get(kind) ?? [],
    byId: (id) => byId.get(id),
    inputs,
    config,
    now,
  };
}
