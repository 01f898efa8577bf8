import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach } from 'vitest';
import { DEFAULT_CONFIG, type SandcheckConfig } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import type { Report } from '../../src/model/finding.js';

const rules = loadRules();

/** `tree(files)` writes the files into a fresh temporary directory, removed after each test of the calling file. */
export function tempTrees(prefix: string): (files: Record<string, string>) => string {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    dirs = [];
  });
  return (files) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    return dir;
  };
}

/** Every rule on the directory, paths relative to it, at a fixed date. */
export async function scan(dir: string, config: SandcheckConfig = structuredClone(DEFAULT_CONFIG), now = new Date('2026-11-24T00:00:00Z')): Promise<Report> {
  const collected = await collectPaths([dir], { cwd: dir });
  return audit(collected, { rules, config, failOn: 'any', now });
}
