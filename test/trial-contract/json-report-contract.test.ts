import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README, "The JSON report": "This is a public contract". Every field a real report carries must be
 * one the README's example shows (or its bullets name: location.uri/detail), with the same JSON type;
 * `{ … }` in the example (evidence, attestation) is free-form. Before, reports carried `inputs[].line`
 * (input errors) and `findings[].suppressed.expires` (waivers) that the README did not document, and
 * its example showed `README.md` as a skipped input although text files are parsed (scanned for keys).
 */
const trial = builtCliWithScratch('sc-trial-contract-');

/** The README's jsonc example as a value: comments dropped, `{ … }` as an empty (free-form) object. */
function readmeExample(): unknown {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const start = readme.indexOf('```jsonc', readme.indexOf('## The JSON report'));
  const body = readme.slice(readme.indexOf('\n', start) + 1, readme.indexOf('\n```', start));
  const json = body
    .split('\n')
    .map((l) => l.replace(/\s\/\/.*$/, ''))
    .join('\n')
    .replace(/\{ … \}/g, '{}');
  return JSON.parse(json);
}

const FREE_FORM = new Set(['findings[].evidence', 'checklist[].attestation']);

/** path → JSON type, arrays as `[]`; below a free-form object nothing is listed. */
function shape(v: unknown, path = '', out = new Map<string, Set<string>>()): Map<string, Set<string>> {
  const type = v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
  if (path) (out.get(path) ?? out.set(path, new Set()).get(path)!).add(type);
  if (FREE_FORM.has(path)) return out;
  if (Array.isArray(v)) for (const x of v) shape(x, `${path}[]`, out);
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) shape(x, path ? `${path}.${k}` : k, out);
  return out;
}

function tree(files: Record<string, string | Buffer>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(trial.dir, path)), { recursive: true });
    writeFileSync(join(trial.dir, path), text);
  }
}

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: importer
  namespace: legacy
  annotations:
    ignore.sandcheck.dev/container-rootfs-writable: "scratch files, OPS-7"
spec:
  selector: {matchLabels: {app: importer}}
  template:
    metadata: {labels: {app: importer}}
    spec:
      containers:
        - name: importer
          image: vendor/importer:2.1
          securityContext:
            privileged: true
            runAsUser: 0
---
apiVersion: v1
kind: Service
metadata: {name: importer, namespace: legacy}
spec:
  ports: [{port: 80}]
`;
const CONFIG = `version: 1
waivers:
  - rule: container-run-as-root
    target: "legacy/Deployment/importer*"
    reason: vendor image runs as root, OPS-123
    owner: platform@example.com
    expires: 2099-12-31
  - rule: container-image-unpinned
    target: "k8s/*"
    reason: pinned by the release job, OPS-9
    owner: platform@example.com
    expires: 2020-01-31
attestations:
  - item: session-data
    by: security@example.com
    date: 2026-01-15
    evidence: https://wiki.example.com/retention
    expires: 2099-01-15
`;

describe('the JSON report holds only the fields the README documents', () => {
  it('a report with every kind of input, suppression and item carries no field missing from the README example', () => {
    tree({
      'k8s/importer.yaml': DEPLOYMENT,
      'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]),
      'sandcheck.yaml': CONFIG,
    });
    const r = runCli(trial.bin, ['scan', '.', '-f', 'json'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    const report = JSON.parse(r.stdout) as { inputs: { path: string }[]; findings: { suppressed?: { by: string } }[] };
    // The report exercises what the test claims to check.
    expect(report.inputs.map((i) => i.path)).toEqual(['broken.yaml', 'k8s/importer.yaml', 'logo.png', 'sandcheck.yaml']);
    expect(new Set(report.findings.map((f) => f.suppressed?.by).filter(Boolean))).toEqual(new Set(['inline', 'waiver']));

    const documented = shape(readmeExample());
    for (const extra of ['findings[].location.uri', 'findings[].location.detail']) documented.set(extra, new Set(['string']));
    const undocumented: string[] = [];
    for (const [path, types] of shape(report)) {
      const want = documented.get(path);
      if (!want) undocumented.push(path);
      else for (const t of types) if (!want.has(t)) undocumented.push(`${path}: ${t} (README: ${[...want].join('|')})`);
    }
    expect(undocumented).toEqual([]);
  });

  it('the README example shows the input error as a report gives it: file:line, never a column, and its line', () => {
    tree({ 'broken.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n' });
    const r = runCli(trial.bin, ['scan', 'broken.yaml', '-f', 'json'], { cwd: trial.dir });
    const input = (JSON.parse(r.stdout) as { inputs: Record<string, unknown>[] }).inputs[0]!;
    expect(input).toEqual({ path: 'broken.yaml', format: null, status: 'error', error: 'broken.yaml:4: not valid YAML: unexpected end of the stream within a flow collection', line: 4 });
    const example = (readmeExample() as { inputs: Record<string, unknown>[] }).inputs.find((i) => i.status === 'error')!;
    expect(String(example.error)).toMatch(/^broken\.yaml:(\d+): not valid YAML: /);
    expect(example.line).toBe(Number(/^broken\.yaml:(\d+):/.exec(String(example.error))![1]));
  });

  it('the README example of a skipped input is one a report gives', () => {
    tree({ 'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'README.md': '# notes\n' });
    const r = runCli(trial.bin, ['scan', 'logo.png', 'README.md', '-f', 'json'], { cwd: trial.dir });
    const inputs = (JSON.parse(r.stdout) as { inputs: Record<string, unknown>[] }).inputs;
    const example = (readmeExample() as { inputs: Record<string, unknown>[] }).inputs.find((i) => i.status === 'skipped')!;
    expect(inputs.find((i) => i.path === example.path)).toEqual(example);
  });
});
