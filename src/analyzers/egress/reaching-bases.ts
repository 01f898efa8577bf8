import type { NormChain, NormTable } from './model.js';

/**
 * For each chain of a table, the base (built-in) chains it is reached from by jump and goto, through
 * user chains; a base chain reaches itself, a chain nothing reaches is absent. The kernel checks a
 * target's or statement's hooks against exactly these (iptables-extensions(8), nft(8)).
 */
export function reachingBaseChains(table: NormTable): Map<string, Set<NormChain>> {
  const byName = new Map(table.chains.map((c) => [c.name, c]));
  const from = new Map<string, Set<NormChain>>();
  const work: NormChain[] = [];
  for (const c of table.chains)
    if (c.base) {
      from.set(c.name, new Set([c]));
      work.push(c);
    }
  while (work.length) {
    const c = work.pop()!;
    const mine = from.get(c.name)!;
    for (const r of c.rules) {
      const next = r.verdict.kind === 'jump' || r.verdict.kind === 'goto' ? byName.get(r.verdict.target ?? '') : undefined;
      if (!next || next.base) continue;
      const theirs = from.get(next.name) ?? new Set<NormChain>();
      const before = theirs.size;
      for (const b of mine) theirs.add(b);
      from.set(next.name, theirs);
      if (theirs.size !== before) work.push(next);
    }
  }
  return from;
}

/**
 * The hooks the kernel accepts each NAT target (iptables, upper case there) or statement (nft) on, and
 * TPROXY's: elsewhere iptables-restore fails ("RULE_APPEND failed (Invalid argument)", a failed COMMIT)
 * and nft -f says "Operation not supported". A DNAT reached from POSTROUTING never loads.
 */
export const NAT_HOOKS: Readonly<Record<string, readonly string[]>> = {
  dnat: ['prerouting', 'output'],
  redirect: ['prerouting', 'output'],
  snat: ['postrouting', 'input'],
  masquerade: ['postrouting'],
  tproxy: ['prerouting'],
};
