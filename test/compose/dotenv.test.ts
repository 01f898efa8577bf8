import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/config/types.js';
import { audit } from '../../src/engine/audit.js';
import { loadRules } from '../../src/engine/load-rules.js';
import { collectPaths } from '../../src/inputs/collect.js';
import { projectDotenv } from '../../src/inputs/compose/pairs.js';
import { tempDir } from '../helpers/cli.js';

/** The compose project's `.env` (src/inputs/compose/pairs.ts projectDotenv), the one path both key rules use. */

const KEY = 'Zk3Lm9Qw2Rt7Vb4Nc8XsYp6Dh1Jf5Gz';

describe('projectDotenv', () => {
  it('is the .env beside the compose file, as a display path', () => {
    expect(projectDotenv('red/compose.yaml')).toBe('red/.env');
    expect(projectDotenv('compose.yaml')).toBe('.env');
    expect(projectDotenv('a/b/compose.override.yaml')).toBe('a/b/.env');
  });
});

describe("a service only in compose.override.yaml interpolates the key from the project's .env", () => {
  it('the key comes from the repository (fail at the override line), and the .env belongs to the pair project', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'p'));
    writeFileSync(join(dir, 'p', 'compose.yaml'), 'name: app\nservices:\n  w:\n    image: w\n');
    writeFileSync(join(dir, 'p', 'compose.override.yaml'), 'services:\n  tools:\n    image: t\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY: ${ANTHROPIC_ENVIRONMENT_KEY}\n');
    writeFileSync(join(dir, 'p', '.env'), `ANTHROPIC_ENVIRONMENT_KEY=${KEY}\n`);
    mkdirSync(join(dir, 'q'));
    writeFileSync(join(dir, 'q', 'compose.yaml'), 'services:\n  w:\n    image: w\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY: ${ANTHROPIC_ENVIRONMENT_KEY}\n');
    writeFileSync(join(dir, 'q', '.env'), `ANTHROPIC_ENVIRONMENT_KEY=${KEY}\n`);
    const collected = await collectPaths(['p', 'q'], { cwd: dir });
    const r = audit(collected, { rules: loadRules(), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: new Date('2026-11-24T00:00:00Z') });
    const unmanaged = r.findings.filter((f) => f.ruleId === 'secret-environment-key-unmanaged').map((f) => `${f.verdict} ${f.location.file}:${f.location.line} ${f.message}`).sort();
    expect(unmanaged).toEqual([
      'fail p/compose.override.yaml:5 ANTHROPIC_ENVIRONMENT_KEY is interpolated from p/.env:1, a file of the repository, not from a secrets manager',
      'fail q/compose.yaml:5 ANTHROPIC_ENVIRONMENT_KEY is interpolated from q/.env:1, a file of the repository, not from a secrets manager',
    ]);
    const shared = r.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries');
    expect(shared.map((f) => f.evidence?.boundaries)).toEqual(['compose project app, compose project q', 'compose project app, compose project q']);
  });
});
