import { posix } from 'node:path';
import type { ComposeContainerData, ComposeObjectUse } from '../inputs/compose/types.js';
import { pointerOf } from '../model/target.js';
import { isEnvironmentKeyName } from './secrets/names.js';

/**
 * Where a compose service gets ANTHROPIC_ENVIRONMENT_KEY through `secrets:` / `configs:`. A mounted
 * object carries the key when the service sets `ANTHROPIC_ENVIRONMENT_KEY_FILE` to its mount path, or
 * when the object (or its mount) is named like the key. Judged by the object's definition:
 * - `external: true` (with or without `name:`): created in a store outside the repository → compliant;
 * - not defined in this file, nor in its base compose file when an override pair is scanned
 *   together (src/inputs/compose/override.ts resolves a pair's services against both files): its
 *   source is not known → warn;
 * - a config: configs are not secret stores (kept unencrypted, shown by `docker config inspect`) → fail;
 * - `file:` among the scanned inputs with a key in it: a key in a file of the repository → fail;
 * - `file:` outside the scan or holding no key (a template), or `environment:`: filled on the deploy
 *   host from somewhere sandcheck cannot see → warn, as `${ANTHROPIC_ENVIRONMENT_KEY}` interpolation is.
 */
export interface ComposeKeySource {
  pointer: string;
  /** null: compliant (the key comes from an external store). */
  detail: string | null;
  verdict: 'fail' | 'warn';
}

export function carriesEnvironmentKey(use: ComposeObjectUse): boolean {
  if (use.variable !== null) return isEnvironmentKeyName(use.variable);
  return isEnvironmentKeyName(use.source) || isEnvironmentKeyName(posix.basename(use.mountPath));
}

/** What the scan shows of a file named by `file:`: not among the inputs, holding a key, or holding none (a template). */
export type FileEvidence = 'absent' | 'key' | 'no-key';

export function composeKeySources(data: ComposeContainerData, fileEvidence: (file: string) => FileEvidence): ComposeKeySource[] {
  const out: ComposeKeySource[] = [];
  (data.objects ?? []).forEach((use, i) => {
    if (!carriesEnvironmentKey(use)) return;
    const pointer = pointerOf('objects', i);
    const d = use.definition;
    if (use.kind === 'config') {
      out.push({ pointer, verdict: 'fail', detail: `comes from compose config ${use.source}: configs are not secret stores (kept unencrypted and readable with docker config inspect); use a secret from an external store` });
      return;
    }
    if (!d) {
      out.push({ pointer, verdict: 'warn', detail: `comes from compose secret ${use.source}, which this file does not define (an override file scanned without its base compose file?): where it comes from is not known here` });
      return;
    }
    const what = `compose ${use.kind} ${use.source} (defined at line ${d.line})`;
    if (d.external) {
      out.push({ pointer, verdict: 'fail', detail: null });
    } else if (d.file) {
      const evidence = fileEvidence(d.file.file);
      out.push(
        evidence === 'key'
          ? { pointer, verdict: 'fail', detail: `comes from ${what}, read from ${d.file.file}, a file among the scanned inputs that holds the key: a key in a file` }
          : {
              pointer,
              verdict: 'warn',
              detail: `comes from ${what}, read from ${d.file.file} on the deploy host${evidence === 'absent' ? ', which is not among the inputs' : ' (in the scan it holds no key, so it is filled at deploy time)'}: sandcheck cannot tell whether a secrets manager writes it`,
            },
      );
    } else if (d.environment) {
      out.push({ pointer, verdict: 'warn', detail: `comes from ${what}, filled from the deploy host's environment variable ${d.environment}: sandcheck cannot tell whether that comes from a secrets manager` });
    }
  });
  return out;
}
