import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { RuleLoadError, loadRules } from '../../src/engine/load-rules.js';
import { seededToken } from '../helpers/tokens.js';

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

  it('refuses two keys that become one key of the value (1 and "1", true and "true", ~ and "")', () => {
    const labels = (pairs: string) => `trustBoundaries:\n  - name: a\n    labels: {${pairs}}\n`;
    expect(problem(labels('1: x, "1": y'))).toMatch(/^sandcheck\.yaml:3:20: a key \(not shown: it does not read as a name\) is written twice in one mapping/);
    expect(problem(labels('true: x, "true": y'))).toMatch(/^sandcheck\.yaml:3:23: key "true" is written twice in one mapping/);
    expect(problem(labels('~: x, "": y'))).toMatch(/^sandcheck\.yaml:3:20: a key .* is written twice/);
    expect(problem(labels('"1": x, "2": y'))).toBe('valid');
  });

  it('names the repeated key as written, quoted or not, and never a key that reads as a value', () => {
    expect(problem('waivers:\n  - rule: container-privileged\n    target: "*"\n    reason: a\n    "reason": b\n')).toMatch(/:5:5: key "reason" is written twice/);
    // The whole key or none of it: "my key" was named "my".
    expect(problem('trustBoundaries:\n  - name: a\n    labels:\n      my key: x\n      my key: y\n')).toMatch(/:5:7: a key \(not shown: it does not read as a name\) is written twice/);
    const token = `ghp_${seededToken(36, 7)}`;
    const message = problem(`trustBoundaries:\n  - name: a\n    labels: {${token}: x, ${token}: y}\n`);
    expect(message).toMatch(/a key \(not shown: it does not read as a name\) is written twice/);
    expect(message).not.toContain(token.slice(4, 12));
  });

  it('still takes merge keys, several of them, and a key that overrides a merged one', () => {
    const waiver = 'rule: container-privileged, target: a, reason: r, owner: o, expires: 2099-01-01';
    expect(problem(`waivers:\n  - &w {${waiver}}\n  - &v {owner: p}\n  - <<: *w\n    <<: *v\n    target: b\n`)).not.toMatch(/twice/);
    expect(problem(`waivers:\n  - &w {${waiver}}\n  - <<: *w\n    target: b\n`)).toBe('valid');
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
    // The default boundaries' names: a declared "namespace x" holding namespace y merged with namespace x.
    expect(problem('trustBoundaries:\n  - name: namespace x\n    namespaces: [y]\n')).toBe(
      'sandcheck.yaml:2:5: /trustBoundaries/0/name: "namespace x" is the name sandcheck gives the default boundary of that namespace: a boundary declared with it would be read as one with it; choose another name',
    );
    expect(problem('trustBoundaries:\n  - name: compose project sandbox\n    paths: ["**"]\n')).toMatch(/default boundary of that compose project/);
    expect(problem('trustBoundaries:\n  - name: namespaces of tenant red\n    namespaces: [red]\n')).toBe('valid');
  });

  it('refuses a rule file with a key written twice', () => {
    writeFileSync(join(dir, 'twice.yaml'), 'id: my-rule\nid: my-other-rule\n');
    expect(() => loadRules([dir], { builtin: false })).toThrow(RuleLoadError);
    expect(() => loadRules([dir], { builtin: false })).toThrow(/twice\.yaml:2:1: key "id" is written twice in one mapping/);
  });
});
