import { setSecretDropListener, type LocatedDrop } from '../analyzers/secrets/targets.js';
import { compareText } from '../util/compare.js';

/** Why the false-positive pipeline dropped a candidate, in words. */
const REASONS: Record<LocatedDrop['reason'], string> = {
  empty: 'empty value',
  reference: 'a reference, not a value',
  placeholder: 'a placeholder',
  example: 'a documented example value',
  repeated: 'a run of one repeated character',
  uuid: 'a UUID',
  digest: 'a digest',
  'not-secret-shape': 'not the shape of a secret',
  'low-entropy': 'low entropy',
};

/**
 * `scan --debug-secrets`: every candidate the secret detector dropped, one line each on stderr, so a
 * user can see why a key was *not* reported. A line names the place, the detector, the reason and the
 * candidate's fingerprint (the same form a finding shows); never the value, nor its length.
 * Start it before the inputs are collected (text files are scanned as they are read).
 */
export function startSecretDropLog(): { print(): void } {
  const drops = new Map<string, LocatedDrop>();
  setSecretDropListener((d) => {
    // A structured file is also scanned as text: the same candidate can be dropped twice.
    const key = [d.file, d.line, d.detector, d.reason, d.fingerprint, d.name].join('\0');
    if (!drops.has(key)) drops.set(key, d);
  });
  return {
    print() {
      setSecretDropListener(null);
      const list = [...drops.values()].sort((a, b) => compareText(a.file ?? '', b.file ?? '') || a.line - b.line || compareText(a.detector, b.detector) || compareText(a.fingerprint, b.fingerprint));
      process.stderr.write(`sandcheck: --debug-secrets: ${list.length} candidate${list.length === 1 ? '' : 's'} dropped by the false-positive filters (file:line detector reason fingerprint [name])\n`);
      for (const d of list) {
        process.stderr.write(`sandcheck: dropped ${d.file ?? '<input>'}:${d.line} ${d.detector} ${d.reason} ${d.fingerprint}${d.name ? ` ${d.name}` : ''} (${REASONS[d.reason]})\n`);
      }
    },
  };
}
