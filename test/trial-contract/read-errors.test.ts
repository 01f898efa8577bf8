import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, buildCli, runCli } from '../workflow/cli.js';

/**
 * README (Exit codes): exit 2 for "bad config or baseline", named with the reason. An unreadable
 * --baseline or --config was reported with Node's errno code (`ENOENT`, `EISDIR`), not a reason in
 * words as an output file that cannot be written is (`is a folder`, `permission denied`).
 */
let cli: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
const HARDENED = join(REPO, 'fixtures/sandboxes/hardened');
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-trial-contract-'));
  mkdirSync(join(dir, 'a-folder.json'));
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('an unreadable --baseline or --config: exit 2, the reason in words, no report', () => {
  it.each([
    [['--baseline', 'missing.json'], 'sandcheck: invalid baseline missing.json: cannot read the baseline: no such file\n'],
    [['--baseline', 'a-folder.json'], 'sandcheck: invalid baseline a-folder.json: cannot read the baseline: is a folder, not a file\n'],
    [['--config', 'a-folder.json'], 'sandcheck: invalid config a-folder.json: cannot read: is a folder, not a file\n'],
  ])('scan %j', (args, stderr) => {
    const r = runCli(cli.bin, ['scan', HARDENED, '-f', 'json', ...args], { cwd: dir });
    expect([r.status, r.stdout, r.stderr]).toEqual([2, '', stderr]);
  });
});
