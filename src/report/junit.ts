import type { LoadedRule } from '../engine/types.js';
import { formatLocation } from '../model/location.js';
import type { Evaluation, Finding, Report } from '../model/finding.js';
import { compareText } from '../util/compare.js';
import { notAuditedMessage } from './not-audited.js';

/**
 * JUnit XML for CI test tabs: one <testsuite> per checklist item, one <testcase> per (rule, target)
 * evaluation. fail → <failure> (active fail-verdict findings), not-applicable → <skipped>, error →
 * <error>. Findings that are only warnings, or all suppressed, leave the case passing with the
 * details in <system-out>; an expired attestation is a failing case of its item. Inputs get their own
 * suite: a case per input, <error> when unreadable, and a `run` case with <error> when nothing was audited.
 */
export interface JunitOptions {
  /** Suite name on <testsuites>; default `sandcheck`. */
  name?: string;
}

export function renderJunit(report: Report, rules: readonly LoadedRule[], opts: JunitOptions = {}): string {
  return [...junitPieces(report, rules, opts)].join('');
}

/**
 * renderJunit's text in pieces. A large scan has one case per (rule, target): 560,000 for 10,000
 * workloads, a 170 MB file. Each suite's counts are taken from the outcomes first, and its cases are
 * built and written a batch at a time, so neither the cases nor the text are ever held whole.
 */
export function* junitPieces(report: Report, rules: readonly LoadedRule[], opts: JunitOptions = {}): Generator<string> {
  const titles = new Map(rules.map((r) => [r.id, r.title]));
  const evaluations = report.evaluations ?? [];
  // By rule, then target: a key made of both would be a new string, hashed anew, for every case.
  const findingsByCase = new Map<string, Map<string, Finding[]>>();
  const targetNames = new Map<string, string>();
  for (const f of report.findings) {
    let byTarget = findingsByCase.get(f.ruleId);
    if (!byTarget) findingsByCase.set(f.ruleId, (byTarget = new Map()));
    const list = byTarget.get(f.target.id);
    if (list) list.push(f);
    else byTarget.set(f.target.id, [f]);
    targetNames.set(f.target.id, f.target.name);
  }
  const none: Finding[] = [];
  const findingsOf = (e: Evaluation) => findingsByCase.get(e.ruleId)?.get(e.targetId) ?? none;

  const suites: Suite[] = report.checklist.map((item) => {
    const evals = evaluations
      .filter((e) => e.checklist === item.id)
      .sort((a, b) => compareText(a.ruleId, b.ruleId) || compareText(a.targetId, b.targetId));
    const extra: Case[] = [];
    // An expired attestation of an item with no automatic evidence fails the item and the run (exit 1)
    // with no finding: without a case of its own, the CI test tab would show every test passing.
    if (item.attestation?.expired && item.verdict === 'fail') {
      const a = item.attestation;
      extra.push({
        classname: `${item.id}.attestation`,
        name: `attestation · ${item.id}`,
        failure: { message: item.note ?? `attestation expired on ${a.expires}`, type: 'attestation-expired', body: `attested by ${a.by} on ${a.date}, expired on ${a.expires}; evidence: ${a.evidence}\n  fix: review the item again and renew the attestation in sandcheck.yaml` },
      });
    }
    const properties: [string, string][] = [
      ['title', item.title],
      ['verdict', item.verdict],
    ];
    if (item.note) properties.push(['note', item.note]);
    if (item.attestation) {
      properties.push(['attestation.by', item.attestation.by], ['attestation.date', item.attestation.date], ['attestation.evidence', item.attestation.evidence]);
      if (item.attestation.expires) properties.push(['attestation.expires', item.attestation.expires]);
    }
    const counts = countsOf(extra);
    for (const e of evals) {
      if (e.outcome === 'not-applicable') counts.skipped++;
      else if (e.outcome === 'error') counts.errors++;
      else if (findingsOf(e).some(isFailing)) counts.failures++;
    }
    return { name: item.id, tests: evals.length + extra.length, counts, properties, cases: () => casesOf(evals, extra, findingsOf, titles, targetNames) };
  });

  const inputCases: Case[] = report.inputs.map((i) => {
    const c: Case = { classname: 'inputs', name: i.path };
    if (i.status === 'error') c.error = { message: i.error ?? 'could not be read', type: 'input-error', body: i.error ?? '' };
    else if (i.status === 'skipped') c.skipped = i.reason ?? 'not a recognised format';
    else c.out = `${i.format}: ${i.targets ?? 0} target(s)`;
    return c;
  });
  // Run-level errors not tied to one evaluation (a rule error already shows as that case's <error>).
  for (const e of report.errors.filter((x) => !x.ruleId)) {
    inputCases.push({ classname: 'inputs', name: e.file ?? 'run', error: { message: e.message, type: 'run-error', body: e.message } });
  }
  // Exit 2 with every input read: the run audited nothing, which must not look like a green test run.
  const notAudited = notAuditedMessage(report);
  if (notAudited) inputCases.push({ classname: 'inputs', name: 'run', error: { message: notAudited, type: 'nothing-to-audit', body: notAudited } });
  suites.push({ name: 'inputs', tests: inputCases.length, counts: countsOf(inputCases), properties: [], cases: () => inputCases });

  yield* serialize(suites, opts.name ?? 'sandcheck', report);
}

function* casesOf(evals: Evaluation[], extra: Case[], findingsOf: (e: Evaluation) => Finding[], titles: Map<string, string>, targetNames: Map<string, string>): Generator<Case> {
  for (const e of evals) yield evaluationCase(e, findingsOf(e), titles, targetNames);
  yield* extra;
}

const isFailing = (f: Finding) => !f.suppressed && f.verdict === 'fail';

function countsOf(cases: Case[]): Counts {
  return {
    failures: cases.filter((c) => c.failure !== undefined).length,
    errors: cases.filter((c) => c.error !== undefined).length,
    skipped: cases.filter((c) => c.skipped !== undefined).length,
  };
}

interface Case {
  classname: string;
  name: string;
  failure?: { message: string; type: string; body: string };
  error?: { message: string; type: string; body: string };
  skipped?: string;
  out?: string;
}

interface Counts {
  failures: number;
  errors: number;
  skipped: number;
}

interface Suite {
  name: string;
  tests: number;
  counts: Counts;
  properties: [string, string][];
  cases: () => Iterable<Case>;
}

function evaluationCase(e: Evaluation, findings: Finding[], titles: Map<string, string>, targetNames: Map<string, string>): Case {
  const c: Case = { classname: `${e.checklist}.${e.ruleId}`, name: `${e.ruleId} · ${e.targetName ?? targetNames.get(e.targetId) ?? e.targetId}` };
  if (e.outcome === 'not-applicable') {
    c.skipped = 'not applicable';
    return c;
  }
  if (e.outcome === 'error') {
    c.error = { message: e.error ?? 'rule could not be evaluated', type: 'rule-error', body: e.error ?? '' };
    return c;
  }
  const failing = findings.filter(isFailing);
  const other = findings.filter((f) => !failing.includes(f));
  if (failing.length) {
    const first = failing[0]!;
    c.failure = {
      message: failing.length === 1 ? first.message : `${first.message} (and ${failing.length - 1} more)`,
      type: first.severity,
      body: failing.map(describe).join('\n\n'),
    };
  }
  const title = titles.get(e.ruleId);
  const notes = other.map((f) => (f.suppressed ? `suppressed (${f.suppressed.by}: ${f.suppressed.reason}): ` : 'warning: ') + describe(f));
  if (notes.length || (title && !failing.length)) c.out = [title ? `${title}` : '', ...notes].filter(Boolean).join('\n');
  return c;
}

function describe(f: Finding): string {
  const where = formatLocation(f.location);
  return [`${f.severity} ${f.ruleId}: ${f.message}`, where ? `  at ${where}` : '', `  fix: ${f.remediation.trim().split('\n')[0]}`].filter(Boolean).join('\n');
}

/** Lines joined into pieces of this many cases. */
const BATCH = 256;

function* serialize(suites: Suite[], name: string, report: Report): Generator<string> {
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const s of suites) {
    totals.tests += s.tests;
    totals.failures += s.counts.failures;
    totals.errors += s.counts.errors;
    totals.skipped += s.counts.skipped;
  }
  let out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  out.push(`<testsuites name="${attr(name)}" tests="${totals.tests}" failures="${totals.failures}" errors="${totals.errors}" skipped="${totals.skipped}" time="0">`);
  for (const [id, s] of suites.entries()) {
    out.push(
      `  <testsuite name="${attr(s.name)}" id="${id}" tests="${s.tests}" failures="${s.counts.failures}" errors="${s.counts.errors}" skipped="${s.counts.skipped}" time="0" timestamp="${attr(report.generatedAt.replace(/\.\d+Z$/, ''))}">`,
    );
    if (s.properties.length) {
      out.push('    <properties>');
      for (const [k, v] of s.properties) out.push(`      <property name="${attr(k)}" value="${attr(v)}"/>`);
      out.push('    </properties>');
    }
    for (const c of s.cases()) {
      const open = `    <testcase classname="${attr(c.classname)}" name="${attr(c.name)}" time="0"`;
      const inner: string[] = [];
      if (c.failure) inner.push(`      <failure message="${attr(c.failure.message)}" type="${attr(c.failure.type)}">${text(c.failure.body)}</failure>`);
      if (c.error) inner.push(`      <error message="${attr(c.error.message)}" type="${attr(c.error.type)}">${text(c.error.body)}</error>`);
      if (c.skipped !== undefined) inner.push(`      <skipped message="${attr(c.skipped)}"/>`);
      if (c.out) inner.push(`      <system-out>${text(c.out)}</system-out>`);
      out.push(inner.length ? `${open}>\n${inner.join('\n')}\n    </testcase>` : `${open}/>`);
      if (out.length >= BATCH) {
        yield out.join('\n') + '\n';
        out = [];
      }
    }
    out.push('  </testsuite>');
  }
  out.push('</testsuites>');
  yield out.join('\n') + '\n';
}

/** XML 1.0 cannot carry most control characters at all, even escaped: drop them. */
function clean(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
}

// Most texts need no escaping: one test instead of five replaces (a large scan has 560,000 cases).
// eslint-disable-next-line no-control-regex
const TEXT_SPECIAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF&<>]/;
// eslint-disable-next-line no-control-regex
const ATTR_SPECIAL = /[\u0000-\u001F\uFFFE\uFFFF&<>"]/;

function text(s: string): string {
  if (!TEXT_SPECIAL.test(s)) return s;
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  if (!ATTR_SPECIAL.test(s)) return s;
  return text(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}
