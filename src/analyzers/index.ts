import type { Inventory } from '../engine/types.js';
import { linkServiceAccounts } from './service-accounts.js';

/** Derivations that need the whole scan (cross-file links, key reuse, reachability). Run in order, once. */
export const ANALYZERS: ((inventory: Inventory) => void)[] = [
  linkServiceAccounts,
];

export function analyze(inventory: Inventory): void {
  for (const a of ANALYZERS) a(inventory);
}
