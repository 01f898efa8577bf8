import type { Waiver } from '../config/types.js';
import type { Finding } from '../model/finding.js';
import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import type { Inventory } from './types.js';
import { isExpired } from '../util/expiry.js';
import { compareText } from '../util/compare.js';

/**
 * Waivers from sandcheck.yaml: `rule` (id or old alias, or `*`), `target` (a glob over the target
 * id, the target name and the finding's file; `*` matches any run of characters), `reason`, `owner`,
 * `expires` (YYYY-MM-DD, valid through that day, UTC). A live waiver marks the finding suppressed.
 * An expired one does not: the finding stays active and its message says which waiver expired.
 */
export function applyWaivers(result: EvaluationResult, inventory: Inventory, opts: AuditOptions): void {
  const waivers = inventory.config.waivers;
  if (waivers.length === 0) return;
  const now = inventory.now;
  const compiled = waivers.map((w) => ({ w, target: globToRegExp(w.target), expired: isExpired(w.expires, now) }));
  for (const f of result.findings) {
    if (f.suppressed) continue;
    const matching = compiled.filter((c) => ruleMatches(c.w.rule, f.ruleId, opts) && targetMatches(c.target, f));
    if (matching.length === 0) continue;
    const live = matching.find((c) => !c.expired);
    if (live) {
      f.suppressed = { by: 'waiver', reason: live.w.reason + (live.w.owner ? ` (owner: ${live.w.owner})` : ''), ...(live.w.expires ? { expires: live.w.expires } : {}) };
      continue;
    }
    const last = matching.map((c) => c.w).sort((a, b) => compareText(b.expires ?? '', a.expires ?? ''))[0]!;
    markExpired(f, last);
  }
}

function markExpired(f: Finding, w: Waiver): void {
  f.message += ` [waiver expired on ${w.expires}${w.owner ? `, owner ${w.owner}` : ''}: ${w.reason}]`;
  f.evidence = { ...f.evidence, waiverExpired: w.expires!, ...(w.owner ? { waiverOwner: w.owner } : {}) };
}

function ruleMatches(pattern: string, ruleId: string, opts: AuditOptions): boolean {
  return pattern === '*' || pattern === ruleId || opts.rules.aliases.get(pattern) === ruleId;
}

function targetMatches(re: RegExp, f: Finding): boolean {
  return re.test(f.target.id) || re.test(f.target.name) || (f.location.file !== undefined && re.test(f.location.file)) || (f.location.uri !== undefined && re.test(f.location.uri));
}

/** `*` matches any run of characters (slashes included); everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/** Valid through the whole of the `expires` day in UTC. */
