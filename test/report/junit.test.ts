import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { Evaluation } from '../../src/model/finding.js';
import { junitPieces, renderJunit } from '../../src/report/junit.js';
import { finding, makeReport, rule } from './helpers.js';

const rules = [rule('container-privileged'), rule('container-run-as-root', { checklist: 'blast-radius' })];
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name) });

function parse(xml: string): any {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml).testsuites;
}

const evals: Evaluation[] = [
  { ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c1', outcome: 'fail' },
  { ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c2', targetName: 'web › sidecar', outcome: 'pass' },
  { ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c3', outcome: 'not-applicable' },
  { ruleId: 'container-run-as-root', checklist: 'blast-radius', targetId: 'c1', outcome: 'error', error: 'rule container-run-as-root failed on web: <boom> & "quotes"' },
];

describe('JUnit XML', () => {
  it('has one testsuite per checklist item (plus inputs) and one testcase per (rule, target)', () => {
    const report = makeReport({
      findings: [finding('container-privileged', { target: { kind: 'container', id: 'c1', name: 'web › app' }, message: 'Container "app" runs privileged <really>' })],
      evaluations: evals,
    });
    const doc = parse(renderJunit(report, rules));
    expect(doc['@tests']).toBe('5');
    expect(doc['@failures']).toBe('1');
    expect(doc['@errors']).toBe('1');
    expect(doc['@skipped']).toBe('1');
    const suites = doc.testsuite;
    expect(suites.map((s: any) => s['@name'])).toEqual([...report.checklist.map((c) => c.id), 'inputs']);
    const hardening = suites.find((s: any) => s['@name'] === 'image-hardening');
    expect(hardening['@tests']).toBe('3');
    const [c1, c2, c3] = hardening.testcase;
    expect(c1['@name']).toBe('container-privileged · web › app');
    expect(c1['@classname']).toBe('image-hardening.container-privileged');
    expect(c1.failure['@message']).toBe('Container "app" runs privileged <really>');
    expect(c1.failure['@type']).toBe('high');
    expect(c1.failure['#text']).toBe('high container-privileged: Container "app" runs privileged <really>\n  at deploy/web.yaml:12\n  fix: Fix container-privileged like this.');
    // A passing case is named like a failing one (the readable target name), not by its raw id.
    expect(c2['@name']).toBe('container-privileged · web › sidecar');
    expect(c2.failure).toBeUndefined();
    expect(c2.skipped).toBeUndefined();
    expect(c3.skipped['@message']).toBe('not applicable');
    const blast = suites.find((s: any) => s['@name'] === 'blast-radius');
    expect(blast.testcase[0].error['@message']).toBe('rule container-run-as-root failed on web: <boom> & "quotes"');
    expect(hardening.properties.property.find((p: any) => p['@name'] === 'verdict')['@value']).toBe('fail');
  });

  it('keeps suppressed and warning-only findings out of <failure> but says so in system-out', () => {
    const report = makeReport({
      findings: [
        finding('container-privileged', { target: { kind: 'container', id: 'c1', name: 'a' }, suppressed: { by: 'waiver', reason: 'vendor image' } }),
        finding('container-privileged', { target: { kind: 'container', id: 'c2', name: 'b' }, verdict: 'warn' }),
      ],
      evaluations: [
        { ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c1', outcome: 'fail' },
        { ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c2', outcome: 'fail' },
      ],
    });
    const doc = parse(renderJunit(report, rules));
    expect(doc['@failures']).toBe('0');
    const cases = doc.testsuite[0].testcase;
    expect(cases.map((c: any) => c['system-out'])).toEqual([
      'Title of container-privileged\nsuppressed (waiver: vendor image): high container-privileged: Container "web" violates container-privileged\n  at deploy/web.yaml:12\n  fix: Fix container-privileged like this.',
      'Title of container-privileged\nwarning: high container-privileged: Container "web" violates container-privileged\n  at deploy/web.yaml:12\n  fix: Fix container-privileged like this.',
    ]);
  });

  it('reports input errors as <error>, skipped inputs as <skipped>, run errors as <error>', () => {
    const report = makeReport({
      inputs: [
        { path: 'ok.yaml', format: 'kubernetes', status: 'parsed', targets: 1 },
        { path: 'bad.yaml', format: null, status: 'error', error: 'bad.yaml:3: unexpected end of the stream' },
        { path: 'notes.txt', format: null, status: 'skipped', reason: 'not a recognised format' },
      ],
      errors: [{ message: 'sandcheck.yaml:4: unknown key "waiver"', file: 'sandcheck.yaml' }],
    });
    const doc = parse(renderJunit(report, rules));
    const inputs = doc.testsuite.find((s: any) => s['@name'] === 'inputs');
    expect(inputs.testcase.map((c: any) => [c['@name'], c.error ? 'error' : c.skipped ? 'skipped' : 'ok'])).toEqual([
      ['ok.yaml', 'ok'],
      ['bad.yaml', 'error'],
      ['notes.txt', 'skipped'],
      ['sandcheck.yaml', 'error'],
    ]);
    expect(inputs.testcase[1].error['@message']).toBe('bad.yaml:3: unexpected end of the stream');
    expect(doc['@errors']).toBe('2');
  });

  it('drops characters XML cannot carry instead of writing an unparseable file', () => {
    const report = makeReport({
      findings: [finding('container-privileged', { target: { kind: 'container', id: 'c1', name: 'x' }, message: 'bell \u0007 here' })],
      evaluations: [{ ruleId: 'container-privileged', checklist: 'image-hardening', targetId: 'c1', outcome: 'fail' }],
    });
    const doc = parse(renderJunit(report, rules));
    expect(doc.testsuite[0].testcase[0].failure['@message']).toBe('bell  here');
  });

  it('is written in pieces for a large scan, with the counts of the whole in every header', () => {
    const n = 1500;
    const evaluations: Evaluation[] = Array.from({ length: n }, (_, i) => ({
      ruleId: 'container-privileged',
      checklist: 'image-hardening',
      targetId: `c${String(i).padStart(4, '0')}`,
      outcome: i % 3 === 0 ? 'fail' : i % 3 === 1 ? 'pass' : 'not-applicable',
    }));
    const findings = evaluations
      .filter((e) => e.outcome === 'fail')
      .map((e, k) => finding('container-privileged', { target: { kind: 'container', id: e.targetId, name: `w${k} \u203a a&b "q"\n` }, message: `m ${k} <x>`, ...(k % 2 ? { suppressed: { by: 'waiver', reason: 'r' } } : {}) }));
    const report = makeReport({ findings, evaluations });
    const pieces = [...junitPieces(report, rules)];
    expect(pieces.length).toBeGreaterThan(5);
    const doc = parse(pieces.join(''));
    const suite = doc.testsuite[0];
    expect([suite['@tests'], suite['@failures'], suite['@skipped']]).toEqual([String(n), String(n / 6), String(n / 3)]);
    expect(suite.testcase).toHaveLength(n);
    expect(pieces.join('')).toContain('name="container-privileged · w0 \u203a a&amp;b &quot;q&quot;&#10;"');
    expect(pieces.join('')).toContain('<failure message="m 0 &lt;x&gt;"');
    expect(doc['@tests']).toBe(String(n + 1));
  });
});
