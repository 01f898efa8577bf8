import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RuleLoadError, listRuleFiles, loadRules } from '../../src/engine/load-rules.js';
import { precompiledConfigValidator, rulesStamp, stampHolds } from '../../src/engine/precompiled.js';
import { createAjv } from '../../src/engine/ajv.js';
import { CONFIG_SCHEMA } from '../../src/config/schema.js';
import { tempDir } from '../helpers/cli.js';

const rule = (fields: Record<string, string>) =>
  Object.entries({
    id: 'my-rule',
    title: 'T',
    checklist: 'image-hardening',
    severity: 'high',
    target: 'container',
    assert: '{ properties: { privileged: { const: false } } }',
    message: 'm',
    rationale: 'r',
    remediation: 'x',
    ...fields,
  })
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n') + '\n';

function thrown(f: () => unknown): RuleLoadError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(RuleLoadError);
    return e as RuleLoadError;
  }
  throw new Error('expected a RuleLoadError');
}

function loadOne(text: string, name = 'my-rule.yaml'): RuleLoadError {
  const dir = tempDir();
  writeFileSync(join(dir, name), text);
  try {
    loadRules([dir], { builtin: false });
  } catch (e) {
    expect(e).toBeInstanceOf(RuleLoadError);
    return e as RuleLoadError;
  }
  throw new Error('expected the rule to be rejected');
}

describe('rule loading is strict and says where', () => {
  it('rejects an unknown checklist item at its line', () => {
    const e = loadOne(rule({ checklist: 'image-hardenning' }));
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/\/checklist: must be one of "image-hardening"/);
  });

  it('lists every problem of every rule file in one run, in file and line order', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), rule({ id: 'a-rule', severity: 'hgh', bogusKey: '1' }));
    writeFileSync(join(dir, 'b.yaml'), rule({ id: 'b-rule', severity: '', severty: 'high' }));
    let err: RuleLoadError | undefined;
    try {
      loadRules([dir], { builtin: false });
    } catch (e) {
      err = e as RuleLoadError;
    }
    expect(err).toBeInstanceOf(RuleLoadError);
    const lines = [err!, ...err!.more].map((e) => `${e.file.split('/').pop()}:${e.line} ${e.reason}`);
    expect(lines).toEqual([
      'a.yaml:4 /severity: must be one of "critical", "high", "medium", "low", "info"',
      'a.yaml:10 (top level): unknown key "bogusKey"',
      // The typo, not also "missing severity" beside it.
      'b.yaml:9 (top level): unknown key "severty" (did you mean "severity"?)',
    ]);
    expect(err!.message.split('\n')).toHaveLength(3);
  });

  it('rejects an unknown target kind and a bad id', () => {
    expect(loadOne(rule({ target: 'pod' })).line).toBe(5);
    expect(loadOne(rule({ id: 'My_Rule' })).line).toBe(1);
  });

  it('needs exactly one of assert or then', () => {
    expect(loadOne(rule({ assert: '' })).reason).toBe('a rule needs exactly one of `assert` or `then`');
    expect(loadOne(rule({ then: '{ function: keyReuse }' })).reason).toBe('a rule needs exactly one of `assert` or `then`');
  });

  it('rejects a JSON Schema keyword that does not exist (strict ajv)', () => {
    const e = loadOne(rule({ assert: '{ properties: { privileged: { konst: false } } }' }));
    expect(e.reason).toMatch(/assert is not a valid JSON Schema: strict mode: unknown keyword: "konst"/);
    expect(e.line).toBe(6);
  });

  it('rejects an unknown function and bad function options at their line', () => {
    const unknown = loadOne(rule({ assert: '', then: '\n  function: noSuchFunction' }));
    expect(unknown.reason).toMatch(/^unknown function "noSuchFunction" \(known: .+\)$/);
    expect(unknown.line).toBe(10);
  });

  it('rejects duplicate ids and aliases that collide', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    writeFileSync(join(dir, 'a', 'one.yaml'), rule({}));
    writeFileSync(join(dir, 'two.yaml'), rule({}));
    const dup = thrown(() => loadRules([dir], { builtin: false }));
    // At the id of the second file read, as every other rule problem: file:line:col.
    expect([dup.file.endsWith('two.yaml'), dup.line, dup.column, dup.reason]).toEqual([true, 1, 1, `duplicate rule id "my-rule" (also in ${join(dir, 'a', 'one.yaml')})`]);
    const dir2 = tempDir();
    writeFileSync(join(dir2, 'one.yaml'), rule({ id: 'rule-one', aliases: '[rule-zero, rule-two]' }));
    writeFileSync(join(dir2, 'two.yaml'), rule({ id: 'rule-two' }));
    const alias = thrown(() => loadRules([dir2], { builtin: false }));
    expect([alias.file.endsWith('one.yaml'), alias.line, alias.column, alias.reason]).toEqual([true, 10, 22, 'alias "rule-two" collides with another rule id or alias']);
  });

  it('rejects a user rule that reuses a built-in id', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.yaml'), rule({ id: 'container-privileged' }));
    expect(() => loadRules([dir])).toThrow(/duplicate rule id "container-privileged"/);
  });

  it("rejects a user rule or alias that takes the id of one of the engine's own checks", () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.yaml'), rule({ id: 'attestation-expired' }));
    const id = thrown(() => loadRules([dir]));
    expect([id.line, id.column, id.reason]).toEqual([1, 1, 'rule id "attestation-expired" is the id of a check sandcheck makes itself (see `sandcheck rules`)']);
    const dir2 = tempDir();
    writeFileSync(join(dir2, 'x.yaml'), rule({ id: 'my-rule', aliases: '[suppression-without-reason]' }));
    expect(thrown(() => loadRules([dir2])).reason).toBe('alias "suppression-without-reason" collides with another rule id or alias');
  });

  it('reports bad YAML in a rule file with its position', () => {
    const e = loadOne('id: x\ntitle: [unclosed\n');
    expect(e.reason).toMatch(/not valid YAML/);
    expect(e.line).toBeGreaterThanOrEqual(2);
  });

  it('loads the built-in rules the same way whether precompiled or not', () => {
    const pre = loadRules();
    const yaml = loadRules([], { precompiled: false });
    expect(pre.rules.map((r) => [r.id, r.checklist, r.severity, r.file])).toEqual(yaml.rules.map((r) => [r.id, r.checklist, r.severity, r.file]));
  });
});

describe('a typo in a required key', () => {
  it('names and locates the unknown key, not the missing one', () => {
    const text = rule({}).replace('severity: high', 'severty: high');
    const e = loadOne(text);
    expect(e.reason).toBe('(top level): unknown key "severty" (did you mean "severity"?)');
    expect(e.line).toBe(4);
  });
});

describe('rule text', () => {
  it('keeps no trailing newline from folded blocks (reports carry it into every finding)', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'r.yaml'), rule({ rationale: '>\n  Long\n  text.', remediation: '>\n  Do\n  this.' }));
    const r = loadRules([dir], { builtin: false }).rules[0]!;
    expect([r.rationale, r.remediation]).toEqual(['Long text.', 'Do this.']);
    expect(loadRules().rules.filter((b) => /\s$/.test(b.remediation) || /\s$/.test(b.rationale) || /\s$/.test(b.message)).map((b) => b.id)).toEqual([]);
  });
});

describe('the precompiled sandcheck.yaml validator', () => {
  it('exists after the build and judges configs exactly as the schema compiled at run time', () => {
    const built = precompiledConfigValidator();
    expect(built).not.toBeNull();
    const runtime = createAjv().compile(CONFIG_SCHEMA);
    const samples = [
      { version: 1 },
      { version: 1, waivers: [{ rule: 'container-privileged', target: '*', reason: 'lab', owner: 'me', expires: '2026-12-31' }] },
      { version: 1, waivers: [{ rule: 'container-privileged', target: '*', reason: 'lab', owner: 'me', expires: '2026-02-30' }] },
      { version: 1, attestations: [{ item: 'session-data', by: 'a@b', date: '2026-01-15', evidence: 'x', expires: '2026-07-15' }] },
      { version: 1, egress: { allow: [{ cidr: '160.79.104.0/23', ports: [443] }], ipv6: 'auto' } },
      { version: 1, egress: { allow: [{ ports: [443] }] } },
      { version: 2, bogus: true },
    ];
    for (const s of samples) {
      const a = built!(s);
      const b = runtime(s);
      expect(a, JSON.stringify(s)).toBe(b);
      expect((built!.errors ?? []).map((e) => [e.instancePath, e.keyword]), JSON.stringify(s)).toEqual((runtime.errors ?? []).map((e) => [e.instancePath, e.keyword]));
    }
    expect(samples.map((s) => built!(s))).toEqual([true, true, false, true, true, false, false]);
  });
});

describe('the stamp that lets a run use the precompiled built-in rules', () => {
  const setUp = () => {
    const root = tempDir();
    mkdirSync(join(root, 'rules', 'blast-radius'), { recursive: true });
    const a = join(root, 'rules', 'blast-radius', 'a.yaml');
    const b = join(root, 'rules', 'b.yaml');
    writeFileSync(a, 'id: a\n');
    writeFileSync(b, 'id: b\n');
    // Times well in the past, so that any later change moves them.
    const old = new Date('2026-01-01T00:00:00Z');
    for (const p of [a, b, join(root, 'rules', 'blast-radius'), join(root, 'rules')]) utimesSync(p, old, old);
    return { root, a, b, stamp: rulesStamp(root, [a, b]) };
  };

  it('holds while no rule file or folder changed, and names paths relative to the package', () => {
    const { root, stamp } = setUp();
    expect(stampHolds(root, stamp)).toBe(true);
    expect(stamp.split('\n').map((l) => l.split('\0')[0])).toEqual(['rules', 'rules/blast-radius', 'rules/b.yaml', 'rules/blast-radius/a.yaml']);
  });

  it('fails when a rule is edited, even to the same size', () => {
    const { root, a, stamp } = setUp();
    writeFileSync(a, 'id: x\n');
    expect(stampHolds(root, stamp)).toBe(false);
  });

  it('fails when a rule file is added to a folder or removed', () => {
    const added = setUp();
    writeFileSync(join(added.root, 'rules', 'blast-radius', 'new.yaml'), 'id: n\n');
    expect(stampHolds(added.root, added.stamp)).toBe(false);
    const removed = setUp();
    rmSync(removed.b);
    expect(stampHolds(removed.root, removed.stamp)).toBe(false);
  });
});

describe('a rule folder that cannot be listed', () => {
  it('names the folder and the reason in words, not an errno code', () => {
    const file = join(tempDir(), 'rules');
    writeFileSync(file, 'a file, not a folder\n');
    expect(thrown(() => listRuleFiles(file)).message).toBe(`${file}: cannot read rule folder: a part of the path is a file, not a folder`);
  });
});
