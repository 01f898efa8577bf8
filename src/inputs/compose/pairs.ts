import { basename, dirname, posix, resolve } from 'node:path';

/**
 * The default override pair: `docker compose` run in a folder reads compose.yaml (or compose.yml,
 * docker-compose.yaml, docker-compose.yml) and, when one sits beside it, compose.override.yaml (or
 * .yml, or the docker-compose.override.* names) on top. Shared by the service merge (override.ts) and
 * the network attachment merge (src/analyzers/egress/compose-networks.ts).
 */
export const BASE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
export const OVERRIDE_FILES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export function pairRole(name: string): 'base' | 'override' | null {
  return BASE_FILES.includes(name) ? 'base' : OVERRIDE_FILES.includes(name) ? 'override' : null;
}

export interface OverridePair {
  base: string;
  override: string;
}

/**
 * Among compose files of one scan (display paths), the pairs that `docker compose` merges: per folder,
 * the first base name and the first override name present. An override with no base beside it is in
 * `lone` (it is judged on its own).
 */
export function overridePairs(files: Iterable<string>): { pairs: OverridePair[]; lone: string[] } {
  const byDir = new Map<string, string[]>();
  for (const f of new Set(files)) {
    if (pairRole(basename(f)) === null) continue;
    const dir = dirname(resolve(f));
    byDir.set(dir, [...(byDir.get(dir) ?? []), f]);
  }
  const pairs: OverridePair[] = [];
  const lone: string[] = [];
  for (const fs of byDir.values()) {
    const base = BASE_FILES.map((n) => fs.find((f) => basename(f) === n)).find((f) => f !== undefined);
    const override = OVERRIDE_FILES.map((n) => fs.find((f) => basename(f) === n)).find((f) => f !== undefined);
    if (base && override) pairs.push({ base, override });
    else if (override) lone.push(override);
  }
  return { pairs, lone };
}

/**
 * The `.env` docker compose reads `${VAR}` values from before the host's environment: the one in the
 * project folder, beside the compose file (a display path, as the scan names files). Its entries are
 * the project's, so it belongs to the project's trust boundary too.
 */
export function projectDotenv(composeFile: string): string {
  return posix.join(posix.dirname(composeFile), '.env');
}
