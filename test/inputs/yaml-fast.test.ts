import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/inputs/types.js';
import { parseYamlFast } from '../../src/util/yaml-fast.js';
import { parseYaml, type YamlDoc } from '../../src/util/yaml-source.js';
import { ROOT, filesUnder } from '../helpers/fixtures.js';

/** Every path to every node of a value (keys and items). */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

/** The same values, and every key and item at the same line and depth. */
function expectSameReading(fast: YamlDoc[], slow: YamlDoc[]): void {
  expect(fast.map((d) => d.value)).toEqual(slow.map((d) => d.value));
  fast.forEach((doc, i) => {
    for (const p of paths(doc.value)) {
      const a = doc.positionOf(p);
      const b = slow[i]!.positionOf(p);
      expect({ path: p, line: a.line, depth: a.depth }).toEqual({ path: p, line: b.line, depth: b.depth });
    }
  });
}

const k8sFiles = [...filesUnder(join(ROOT, 'fixtures', 'rules')), ...filesUnder(join(ROOT, 'fixtures', 'sandboxes'))].filter((f) => {
  if (!/\.ya?ml$/.test(f)) return false;
  const text = readFileSync(f, 'utf8');
  return /^apiVersion:/m.test(text) && /^kind:/m.test(text);
});

// compose files are read by the fast reader too (src/inputs/compose/handler.ts), unless they carry merge tags.
const composeFiles = filesUnder(join(ROOT, 'fixtures')).filter((f) => {
  if (!/\.ya?ml$/.test(f)) return false;
  const text = readFileSync(f, 'utf8');
  return /^services:/m.test(text) && !/^apiVersion:/m.test(text) && !text.includes('!reset') && !text.includes('!override');
});

/** Compose fixtures that are broken YAML on purpose: the yaml package refuses them (and the reader falls back to it). */
const brokenCompose = composeFiles.filter((f) => {
  try {
    parseYaml(readFileSync(f, 'utf8'), f);
    return false;
  } catch {
    return true;
  }
});
const comparedCompose = composeFiles.filter((f) => !brokenCompose.includes(f));

describe('fast YAML reader', () => {
  it('finds Kubernetes and compose fixtures to compare', () => {
    expect(k8sFiles.length).toBeGreaterThan(20);
    expect(comparedCompose.length).toBeGreaterThan(20);
    expect(brokenCompose.length).toBeLessThan(5);
  });

  it.each(brokenCompose.map((f) => [f.slice(ROOT.length + 1), f]))('refuses the compose fixtures of broken YAML, as the yaml package does: %s', (_, file) => {
    expect(() => parseYamlFast(readFileSync(file, 'utf8'), file, { duplicateKeys: 'last' })).toThrow();
  });

  it.each(comparedCompose.map((f) => [f.slice(ROOT.length + 1), f]))('reads compose as the yaml package does (duplicateKeys: last): %s', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const slow = parseYaml(text, file).docs;
    const fast = parseYamlFast(text, file, { duplicateKeys: 'last' }).docs;
    expectSameReading(fast, slow);
  });

  it.each(k8sFiles.map((f) => [f.slice(ROOT.length + 1), f]))('agrees with the yaml package on values and lines: %s', (_, file) => {
    const text = readFileSync(file, 'utf8');
    const slow = parseYaml(text, file).docs;
    const fast = parseYamlFast(text, file).docs;
    expectSameReading(fast, slow);
  });

  it('keeps key positions when a key has an empty value', () => {
    const doc = parseYamlFast('metadata:\n  annotations:\n  name: x\n  labels: {a: b}\n', 'f.yaml').docs[0]!;
    expect(doc.positionOf(['metadata', 'annotations']).line).toBe(2);
    expect(doc.positionOf(['metadata', 'name']).line).toBe(3);
    expect(doc.positionOf(['metadata', 'labels', 'a']).line).toBe(4);
  });

  it('applies merge keys, keeps dates as strings and positions documents after ---', () => {
    const { docs } = parseYamlFast('a: 1\n---\nkind: Pod\nbase: &b {x: 1}\nts: 2024-01-01T00:00:00Z\nm:\n  <<: *b\n  y: 2\n', 'f.yaml');
    expect(docs[1]!.value).toEqual({ kind: 'Pod', base: { x: 1 }, ts: '2024-01-01T00:00:00Z', m: { x: 1, y: 2 } });
    expect(docs[1]!.positionOf(['kind']).line).toBe(3);
    expect(docs[1]!.positionOf(['m', 'y']).line).toBe(8);
    // A merged key is where the anchored mapping has it, as the `yaml` reader finds it.
    expect(docs[1]!.positionOf(['m', 'x'])).toMatchObject({ line: 4, exact: true });
  });

  it('finds merged keys in each source of a merge sequence, its own keys first, earlier sources before later ones', () => {
    const text = ['a: &a', '  x: 1', '  y: 1', 'b: &b', '  y: 2', '  z: 2', 'm:', '  <<: [*a, *b]', '  x: 3', ''].join('\n');
    const { docs } = parseYamlFast(text, 'f.yaml');
    expect(docs[0]!.value).toEqual({ a: { x: 1, y: 1 }, b: { y: 2, z: 2 }, m: { x: 3, y: 1, z: 2 } });
    const at = (path: string[]) => docs[0]!.positionOf(path);
    expect(at(['m', 'x'])).toMatchObject({ line: 9, exact: true });
    expect(at(['m', 'y'])).toMatchObject({ line: 3, exact: true });
    expect(at(['m', 'z'])).toMatchObject({ line: 6, exact: true });
    expect(at(['m', 'w'])).toMatchObject({ line: 7, exact: false });
  });

  it("duplicateKeys: 'last' reads a key written twice as the yaml reader does: the last value, at the first key's line", () => {
    const text = 'env:\n  A: one\n  A: two\n';
    expect(() => parseYamlFast(text, 'dup.yaml')).toThrow(/duplicated mapping key/);
    const fast = parseYamlFast(text, 'dup.yaml', { duplicateKeys: 'last' }).docs[0]!;
    const full = parseYaml(text, 'dup.yaml').docs[0]!;
    expect(fast.value).toEqual({ env: { A: 'two' } });
    expect(fast.value).toEqual(full.value);
    expect(fast.positionOf(['env', 'A'])).toEqual(full.positionOf(['env', 'A']));
  });

  it('rejects bad YAML and duplicate keys with file, line and reason', () => {
    expect(() => parseYamlFast('a: [1, 2\nb: 3\n', 'bad.yaml')).toThrow(InputError);
    try {
      parseYamlFast('spec:\n  privileged: false\n  privileged: true\n', 'dup.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).message).toMatch(/^dup\.yaml:3: not valid YAML: duplicated mapping key/);
    }
  });
});
