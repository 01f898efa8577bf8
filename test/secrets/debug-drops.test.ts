import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/analyzers/secrets/index.js';
import { REPO, buildCli, runCli, type CliResult } from '../workflow/cli.js';

/**
 * `sandcheck scan --debug-secrets`: one stderr line per candidate the false-positive filters dropped
 * (file:line, detector, reason, fingerprint, name), for fixtures/secrets/debug-drops, where every value
 * is a placeholder, a reference or a documented example.
 */
const DIR = 'fixtures/secrets/debug-drops';
const anthropicPlaceholder = `sk-ant-api03-${'x'.repeat(93)}AA`;
const fp = fingerprint;

let cli: { bin: string; cleanup(): void };
let withFlag: CliResult;
let without: CliResult;

beforeAll(async () => {
  cli = await buildCli();
  withFlag = runCli(cli.bin, ['scan', DIR, '--debug-secrets', '-q']);
  without = runCli(cli.bin, ['scan', DIR, '-q']);
}, 120_000);

afterAll(() => cli?.cleanup());

describe('scan --debug-secrets', () => {
  it('lists every dropped candidate with its place, detector, reason and fingerprint, sorted by file and line', () => {
    expect(withFlag.status, withFlag.stderr).toBe(0);
    const lines = withFlag.stderr.split('\n').filter((l) => l.startsWith('sandcheck: dropped ') || l.startsWith('sandcheck: --debug-secrets'));
    expect(lines).toEqual([
      'sandcheck: --debug-secrets: 13 candidates dropped by the false-positive filters (file:line detector reason fingerprint [name])',
      `sandcheck: dropped ${DIR}/.env:2 generic-secret placeholder ${fp('changeme')} DB_PASSWORD (a placeholder)`,
      `sandcheck: dropped ${DIR}/.env:3 generic-secret reference ${fp('${API_TOKEN}')} API_TOKEN (a reference, not a value)`,
      `sandcheck: dropped ${DIR}/.env:4 generic-secret uuid ${fp('123e4567-e89b-12d3-a456-426614174000')} REQUEST_KEY (a UUID)`,
      `sandcheck: dropped ${DIR}/.env:5 generic-secret digest ${fp('sha256:4f2d9c1e7b3a5d8f6e0c2b4a9d7f1e3c5b8a6d4f2e0c9b7a5d3f1e8c6b4a2d0f')} IMAGE_DIGEST_KEY (a digest)`,
      `sandcheck: dropped ${DIR}/.env:6 generic-secret repeated ${fp('a'.repeat(24))} SESSION_SECRET (a run of one repeated character)`,
      `sandcheck: dropped ${DIR}/.env:7 generic-secret low-entropy ${fp('tooshort1')} WEBHOOK_TOKEN (low entropy)`,
      `sandcheck: dropped ${DIR}/.env:8 aws-access-key-id example ${fp('AKIAIOSFODNN7EXAMPLE')} AWS_ACCESS_KEY_ID (a documented example value)`,
      `sandcheck: dropped ${DIR}/.env:9 anthropic-api-key placeholder ${fp(anthropicPlaceholder)} ANTHROPIC_API_KEY (a placeholder)`,
      `sandcheck: dropped ${DIR}/.env:9 anthropic-key-variable placeholder ${fp(anthropicPlaceholder)} ANTHROPIC_API_KEY (a placeholder)`,
      `sandcheck: dropped ${DIR}/README.md:5 github-token placeholder ${fp(`ghp_${'x'.repeat(36)}`)} (a placeholder)`,
      `sandcheck: dropped ${DIR}/README.md:6 url-credentials reference ${fp('${DB_PASSWORD}')} (a reference, not a value)`,
      `sandcheck: dropped ${DIR}/k8s/config.yaml:8 generic-secret reference ${fp('{{ .Values.apiToken }}')} API_TOKEN (a reference, not a value)`,
      `sandcheck: dropped ${DIR}/k8s/config.yaml:9 anthropic-environment-key placeholder ${fp('<your-environment-key>')} ANTHROPIC_ENVIRONMENT_KEY (a placeholder)`,
    ]);
  });

  it('prints no value: no 8-character window of any value in the fixture appears on stderr', () => {
    const values = ['.env', 'README.md', 'k8s/config.yaml'].flatMap((f) =>
      readFileSync(join(REPO, DIR, f), 'utf8')
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .map((l) => /(?:=|: |:\/\/app:)(.+?)(?:@.*)?$/.exec(l.trim())?.[1] ?? '')
        // References name variables, and names are printed (`${API_TOKEN}`); `<your-environment-key>` is
        // spelled like the detector `anthropic-environment-key`.
        .filter((v) => v.length >= 8 && !/\$\{|\{\{|^</.test(v)),
    );
    expect(values.length).toBeGreaterThanOrEqual(8);
    values.forEach((v, n) => {
      // Public format prefixes (`sk-ant-api03-`, `ghp_`, `AKIA`) are shared by every key of a kind.
      const secretPart = v.replace(/^(?:sk-ant-api03-|ghp_|AKIA)/, '');
      // The failure message names the value by its index, never by any of its characters.
      for (let i = 0; i + 8 <= secretPart.length; i++) expect(withFlag.stderr.includes(secretPart.slice(i, i + 8)), `value #${n}, window ${i}`).toBe(false);
    });
  });

  it('is off by default, and changes neither the report nor the exit code', () => {
    expect(without.status).toBe(0);
    expect(without.stderr).not.toContain('dropped');
    expect(withFlag.stdout).toBe(without.stdout);
  });
});
