import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RuleLoadError, loadRules } from '../../src/engine/load-rules.js';

const problem = (text: string): string => {
  try {
    parseConfig(text, 'sandcheck.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  return 'valid';
};

const dir = mkdtempSync(join(tmpdir(), 'sc-unique-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * sandcheck's own files are read strictly: a YAML parser keeps one of two values of a repeated key
 * without a word, and two boundaries with one name were merged into one, so a key they shared was
 * not reported (workload-isolation not-assessed instead of fail).
 */
describe('sandcheck.yaml and rule files hold each key and name once', () => {
  it('refuses a key written twice in one mapping, at the second', () => {
    expect(problem('keys:\n  maxAgeDays: 90\nkeys:\n  maxAgeDays: 1\n')).toBe('sandcheck.yaml:3:1: key "keys" is written twice in one mapping: one of the two values would be ignored');
    expect(problem('waivers:\n  - rule: container-privileged\n    target: "*"\n    reason: a\n    reason: b\n')).toBe(
      'sandcheck.yaml:5:5: key "reason" is written twice in one mapping: one of the two values would be ignored',
    );
  });

  it('refuses two trust boundaries with one name, and two attestations of one item', () => {
    expect(problem('trustBoundaries:\n  - name: a\n    namespaces: [x]\n  - name: a\n    namespaces: [y]\n')).toBe(
      'sandcheck.yaml:4:5: /trustBoundaries/1/name: "a" is the name of trustBoundaries[0] too: two boundaries with one name are read as one, so a key they share would not be reported',
    );
    const attestation = (expires: string) => `  - item: session-data\n    by: a\n    date: 2026-01-01\n    evidence: x\n    expires: ${expires}\n`;
    expect(problem(`attestations:\n${attestation('2027-01-01')}${attestation('2025-01-01')}`)).toBe(
      'sandcheck.yaml:7:5: /attestations/1/item: session-data is attested by attestations[0] too: only one attestation per item can count',
    );
    expect(problem('trustBoundaries:\n  - name: a\n    namespaces: [x]\n  - name: b\n    namespaces: [y]\n')).toBe('valid');
  });

  it('refuses a rule file with a key written twice', () => {
    writeFileSync(join(dir, 'twice.yaml'), 'id: my-rule\nid: my-other-rule\n');
    expect(() => loadRules([dir], { builtin: false })).toThrow(RuleLoadError);
    expect(() => loadRules([dir], { builtin: false })).toThrow(/twice\.yaml:2:1: key "id" is written twice in one mapping/);
  });
});
