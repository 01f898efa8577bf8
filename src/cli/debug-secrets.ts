import { setSecretDropListener, type LocatedDrop } from '../analyzers/secrets/targets.js';
import { compareText } from '../util/compare.js';
import type { DropReason } from '../analyzers/secrets/false-positives.js';
import type { ImageData } from '../inputs/image/image-data.js';
import type { Target } from '../model/target.js';
import { writeStderr } from '../util/stderr.js';

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
 * `scan`, `image` and `docker --debug-secrets`: every candidate the secret detector dropped, one line each on stderr, so a
 * user can see why a key was *not* reported. A line names the place, the detector, the reason and the
 * candidate's fingerprint (the same form a finding shows); never the value, nor its length. In an image
 * the place is the image, then `config Env`, `history <n> (<instruction>)` or `layer <n> /<path>:<line>`; for a live container
 * it is where its findings are (`docker://container/<name> (Config.Env NAME)`).
 * Start it before the inputs are collected (text files are scanned as they are read).
 */
export function startSecretDropLog(): { addImages(targets: Target<object>[]): void; print(): void } {
  const drops = new Map<string, LocatedDrop>();
  const add = (d: LocatedDrop) => {
    // A structured file is also scanned as text: the same candidate can be dropped twice.
    const key = [d.file, d.line, d.detector, d.reason, d.fingerprint, d.name].join('\0');
    if (!drops.has(key)) drops.set(key, d);
  };
  setSecretDropListener(add);
  return {
    /** The image reader ran the detectors while it streamed the layers and kept their drops in the image targets. */
    addImages(targets) {
      for (const t of targets) {
        if (t.kind !== 'image') continue;
        const data = t.data as ImageData;
        for (const d of data.secretDrops ?? []) {
          add({ detector: d.detector, reason: d.reason as DropReason, line: d.line ?? 0, fingerprint: d.fingerprint, ...(d.name ? { name: d.name } : {}), file: `${data.name} ${d.where}` });
        }
      }
    },
    print() {
      setSecretDropListener(null);
      const list = [...drops.values()].sort((a, b) => compareText(a.file ?? '', b.file ?? '') || a.line - b.line || compareText(a.detector, b.detector) || compareText(a.fingerprint, b.fingerprint));
      writeStderr(`sandcheck: --debug-secrets: ${list.length} candidate${list.length === 1 ? '' : 's'} dropped by the false-positive filters (file:line detector reason fingerprint [name])\n`);
      for (const d of list) {
        // Image config Env and history have no lines (line 0): the place alone.
        writeStderr(`sandcheck: dropped ${d.file ?? '<input>'}${d.line > 0 ? `:${d.line}` : ''} ${d.detector} ${d.reason} ${d.fingerprint}${d.name ? ` ${d.name}` : ''} (${REASONS[d.reason]})\n`);
      }
    },
  };
}
