import type { AuditOptions } from './audit.js';
import type { EvaluationResult } from './evaluate.js';
import type { Inventory } from './types.js';
import { isExpired } from '../util/expiry.js';
import { compareText } from '../util/compare.js';

/**
 * `secrets.ignore` in sandcheck.yaml: accepted secrets by fingerprint (`sk-a:3f9c0e12ab77`), never by
 * file:line, so a different secret put in the same place is still reported, and a moved one stays
 * accepted. An entry accepts a value written in a file: it suppresses the key-storage findings whose
 * evidence carries that fingerprint (every secret rule), wherever the value is. It does not accept one
 * key serving several trust boundaries (workload-isolation): an entry made for a test fixture must not
 * make two boundaries sharing that value pass. Such a finding stays active and says that the entry does
 * not cover it; a waiver on `secret-key-shared-across-boundaries` accepts the sharing. An expired entry
 * stops suppressing and the message says so.
 */
export function applySecretIgnores(result: EvaluationResult, inventory: Inventory, _opts: AuditOptions): void {
  const entries = inventory.config.secrets?.ignore ?? [];
  if (entries.length === 0) return;
  const now = inventory.now;
  for (const f of result.findings) {
    if (f.suppressed) continue;
    const fp = f.evidence?.fingerprint;
    if (typeof fp !== 'string') continue;
    const matching = entries.filter((e) => e.fingerprint === fp);
    if (matching.length === 0) continue;
    const live = matching.find((e) => !isExpired(e.expires, now));
    if (f.checklist !== 'key-storage') {
      if (live) f.message += ` [secrets.ignore accepts ${fp} as a literal (${live.reason}), not shared across trust boundaries]`;
      continue;
    }
    if (live) {
      f.suppressed = { by: 'waiver', reason: `secrets.ignore: ${live.reason}`, ...(live.expires ? { expires: live.expires } : {}) };
      continue;
    }
    const last = [...matching].sort((a, b) => compareText(b.expires ?? '', a.expires ?? ''))[0]!;
    f.message += ` [secrets.ignore entry expired on ${last.expires}: ${last.reason}]`;
    f.evidence = { ...f.evidence, ignoreExpired: last.expires! };
  }
}
