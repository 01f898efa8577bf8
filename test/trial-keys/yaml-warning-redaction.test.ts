import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, runCli } from '../workflow/cli.js';
import { expectNotPrinted } from '../helpers/redaction.js';

/**
 * The `yaml` library warns through process.emitWarning when a mapping key is a collection, and the
 * warning quotes the key: Node printed `Warning: Keys with collection values will be stringified …:
 * "[ <value> ]"` on stderr, outside every redaction. A fake value, generated for this test.
 */
const KEY = 'Hk4Tz9QwXr7LmP2vBn6CsY8dJf3GaE5U';

let cli: { bin: string; cleanup(): void };
let dir: string;
beforeAll(async () => {
  cli = await buildCli();
  dir = mkdtempSync(join(tmpdir(), 'sc-yaml-warning-'));
  mkdirSync(join(dir, 'compose'));
  writeFileSync(join(dir, 'compose', 'compose.yaml'), `services:\n  w:\n    image: x\n    environment:\n      ? [${KEY}]\n      : x\n`);
  mkdirSync(join(dir, 'cfg'));
  writeFileSync(join(dir, 'cfg', 'sandcheck.yaml'), `secrets:\n  ignore:\n    - ? [${KEY}]\n      : x\n`);
  writeFileSync(join(dir, 'cfg', '.env'), 'A=1\n');
}, 60_000);
afterAll(() => {
  cli?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('YAML library warnings are not printed', () => {
  it('a compose file with a collection as a mapping key: nothing of the key on stderr or in the report', () => {
    const r = runCli(cli.bin, ['scan', join(dir, 'compose'), '--format', 'json']);
    expect(r.status).toBe(1); // the service's hardening findings
    expectNotPrinted(r.stdout + r.stderr, [KEY]);
    expect(r.stderr.includes('Warning:'), 'a Node warning on stderr').toBe(false);
  });

  it('sandcheck.yaml with a collection as a mapping key: no Node warning', () => {
    const r = runCli(cli.bin, ['config', 'validate', join(dir, 'cfg', 'sandcheck.yaml')]);
    expectNotPrinted(r.stdout + r.stderr, [KEY]);
    expect(r.status).toBe(2);
    expect(r.stderr.includes('Warning:'), 'a Node warning on stderr').toBe(false);
  });
});
