import type { ItemVerdict } from '../model/checklist.js';
import type { Finding, Report } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import { severityRank } from '../model/severity.js';
import { compareText } from '../util/compare.js';
import { vendor } from '../util/vendor.js';
import { whyNotAudited } from './aggregate.js';

export interface TextOptions {
  color: boolean;
  quiet?: boolean;
  /** List every skipped input instead of a count. */
  verbose?: boolean;
}

const VERDICT_LABEL: Record<ItemVerdict, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  warn: 'WARN',
  manual: 'MANUAL',
  'not-assessed': 'NOT ASSESSED',
  error: 'ERROR',
};

type Paint = (s: string) => string;
/** The styles the text report uses. */
interface Palette {
  bold: Paint;
  cyan: Paint;
  gray: Paint;
  green: Paint;
  greenBold: Paint;
  red: Paint;
  redBold: Paint;
  yellow: Paint;
}

const plain: Paint = (s) => s;
const PLAIN: Palette = { bold: plain, cyan: plain, gray: plain, green: plain, greenBold: plain, red: plain, redBold: plain, yellow: plain };

/** chalk is loaded only for a coloured report (see src/util/vendor.ts). */
function palette(color: boolean): Palette {
  if (!color) return PLAIN;
  const c = new (vendor('chalk').Chalk)({ level: 1 });
  return { bold: c.bold, cyan: c.cyan, gray: c.gray, green: c.green, greenBold: c.green.bold, red: c.red, redBold: c.red.bold, yellow: c.yellow };
}

function verdictColor(c: Palette, v: ItemVerdict): (s: string) => string {
  switch (v) {
    case 'pass':
      return c.green;
    case 'fail':
    case 'error':
      return c.redBold;
    case 'warn':
      return c.yellow;
    default:
      return c.gray;
  }
}

/** Grouped by checklist item, each with its verdict and findings; then inputs; then one summary line. */
export function renderText(report: Report, opts: TextOptions): string {
  return [...textPieces(report, opts)].join('');
}

/** renderText's text in pieces of a few hundred lines: a large scan's report is never one string. */
export function* textPieces(report: Report, opts: TextOptions): Generator<string> {
  let batch: string[] = [];
  for (const line of textLines(report, opts)) {
    batch.push(line);
    if (batch.length >= 256) {
      yield batch.join('\n') + '\n';
      batch = [];
    }
  }
  if (batch.length) yield batch.join('\n') + '\n';
}

function* textLines(report: Report, opts: TextOptions): Generator<string> {
  const c = palette(opts.color);
  let any = false;
  const width = Math.max(...report.checklist.map((i) => i.id.length));
  for (const item of report.checklist) {
    const findings = report.findings
      .filter((f) => f.checklist === item.id && !f.suppressed && (!opts.quiet || f.verdict === 'fail'))
      .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || compareText(a.location.file ?? '', b.location.file ?? '') || (a.location.line ?? 0) - (b.location.line ?? 0));
    const suppressed = report.findings.filter((f) => f.checklist === item.id && f.suppressed);
    if (opts.quiet && item.verdict !== 'fail' && item.verdict !== 'error') continue;
    const label = verdictColor(c, item.verdict)(VERDICT_LABEL[item.verdict].padEnd(12));
    any = true;
    yield `${label} ${c.bold(item.id.padEnd(width))}  ${item.title}${item.note ? c.gray(` — ${item.note}`) : ''}`;
    yield* renderRuleGroups(c, findings);
    // --quiet: failing findings only (the summary line still counts the suppressed ones).
    if (suppressed.length && !opts.quiet) yield c.gray(`             ${suppressed.length} suppressed — ${suppressedSummary(suppressed)}`);
  }
  if (!opts.quiet) {
    yield '';
    yield* renderInputs(c, report, opts.verbose ?? false);
    any = true;
  } else {
    for (const i of report.inputs.filter((x) => x.status === 'error')) {
      any = true;
      yield c.red(`input error: ${i.error}`);
    }
  }
  for (const e of report.errors) {
    any = true;
    yield c.red(`error: ${e.message}`);
  }
  if (any) yield '';
  yield summaryText(c, report);
}

/** Findings of one item, grouped by rule: severity, id and title once, each place, then each distinct fix once. */
function renderRuleGroups(c: Palette, findings: Finding[]): string[] {
  const out: string[] = [];
  // One group per rule and verdict, failures first: a rule can fail in one place and only warn in another.
  const byRule = new Map<string, { fail: Finding[]; warn: Finding[] }>();
  for (const f of findings) {
    let g = byRule.get(f.ruleId);
    if (!g) byRule.set(f.ruleId, (g = { fail: [], warn: [] }));
    (f.verdict === 'warn' ? g.warn : g.fail).push(f);
  }
  for (const [ruleId, { fail, warn }] of byRule) {
    for (const group of [fail, warn]) {
      if (group.length === 0) continue;
      const first = group[0]!;
      const sevText = first.verdict === 'warn' ? `warn ${first.severity}` : first.severity;
      const sev = first.verdict === 'warn' ? c.yellow(sevText) : first.severity === 'critical' || first.severity === 'high' ? c.red(sevText) : c.yellow(sevText);
      out.push(`  ${sev} ${c.bold(ruleId)}  ${first.title}`);
      for (const f of group) {
        const where = formatLocation(f.location);
        out.push(`      ${where ? c.cyan(where) + '  ' : ''}${f.target.name}`);
        out.push(`        ${f.message}`);
      }
      // The fix names the keys of each source format (compose `cap_drop`, Kubernetes `capabilities.drop`):
      // one line per wording, labelled with its format when the group holds several.
      const fixes = new Map<string, Set<string>>();
      for (const f of group) {
        const fix = f.remediation.trim().replace(/\s*\n\s*/g, ' ');
        const sources = fixes.get(fix) ?? new Set<string>();
        sources.add(sourceLabel(f));
        fixes.set(fix, sources);
      }
      for (const [fix, sources] of fixes) out.push(c.gray(`      fix${fixes.size > 1 ? ` (${[...sources].join(', ')})` : ''}: ${fix}`));
    }
  }
  return out;
}

const SOURCE_LABELS: Record<string, string> = { k8s: 'Kubernetes', compose: 'compose', dockerfile: 'Dockerfile', docker: 'Docker', image: 'image', envfile: 'env file', egress: 'firewall' };

/** The source format of a finding's target, from its id (`k8s:…`, `compose:…`). */
function sourceLabel(f: Finding): string {
  const prefix = f.target.id.slice(0, Math.max(0, f.target.id.indexOf(':')));
  return SOURCE_LABELS[prefix] ?? (prefix || f.target.kind);
}

function renderInputs(c: Palette, report: Report, verbose: boolean): string[] {
  const out = ['Inputs:'];
  const skipped = report.inputs.filter((i) => i.status === 'skipped');
  // An empty heading reads as a report cut short: say that no file was found.
  if (report.inputs.length === 0) out.push(c.gray('  none: no file found in the paths given'));
  for (const i of report.inputs) {
    if (i.status === 'parsed') {
      out.push(`  ${c.green('parsed ')} ${i.path} (${i.format}, ${i.targets} target${i.targets === 1 ? '' : 's'})`);
      for (const s of i.skippedObjects ?? []) out.push(c.gray(`            skipped ${s.kind} ${s.name}${s.line ? ` (line ${s.line})` : ''}: ${s.reason}`));
    } else if (i.status === 'error') out.push(`  ${c.red('error  ')} ${i.error}`);
    else if (verbose || skipped.length <= 5) out.push(c.gray(`  skipped ${i.path}: ${i.reason}`));
  }
  if (!verbose && skipped.length > 5) {
    const reasons = new Map<string, number>();
    for (const s of skipped) reasons.set(s.reason ?? '', (reasons.get(s.reason ?? '') ?? 0) + 1);
    // `binary file ×7`, as suppressed findings are counted: `7 binary file` read as broken English.
    out.push(c.gray(`  skipped ${skipped.length} files (${[...reasons].map(([r, n]) => (n > 1 ? `${r} ×${n}` : r)).join(', ')}); --verbose lists them`));
  }
  return out;
}

export function summaryLine(report: Report, color: boolean): string {
  return summaryText(palette(color), report);
}

/** `baseline (known: …): rule-a ×2, rule-b; waiver (reason): rule-c` — one group per way and reason. */
function suppressedSummary(findings: Finding[]): string {
  const groups = new Map<string, Map<string, number>>();
  for (const f of findings) {
    const key = `${f.suppressed!.by} (${f.suppressed!.reason})`;
    const rules = groups.get(key) ?? new Map<string, number>();
    rules.set(f.ruleId, (rules.get(f.ruleId) ?? 0) + 1);
    groups.set(key, rules);
  }
  return [...groups]
    .map(([key, rules]) => `${key}: ${[...rules].map(([id, n]) => (n > 1 ? `${id} ×${n}` : id)).join(', ')}`)
    .join('; ');
}

function summaryText(c: Palette, report: Report): string {
  const s = report.summary;
  const items = (v: ItemVerdict) => report.checklist.filter((i) => i.verdict === v).length;
  const sev = Object.entries(s.bySeverity)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  // Below the --fail-on threshold the gate passes although findings fail: say which gate passed.
  const passLabel = s.findings.fail > 0 && s.failOn !== 'any' ? `PASS at --fail-on ${s.failOn}` : 'PASS';
  const head = s.verdict === 'pass' ? c.greenBold(passLabel) : s.verdict === 'fail' ? c.redBold('FAIL') : c.redBold('ERROR');
  const parts = [
    `${s.findings.fail} failing finding${s.findings.fail === 1 ? '' : 's'}${sev ? ` (${sev})` : ''}`,
    `${s.findings.warn} warning${s.findings.warn === 1 ? '' : 's'}`,
    `${s.findings.suppressed} suppressed`,
  ];
  // An expired attestation fails the run with no failing finding: "FAIL: 0 failing findings" alone reads as a fault.
  const expired = report.checklist.filter((i) => i.verdict === 'fail' && i.attestation?.expired).length;
  if (expired) parts.push(`${expired} expired attestation${expired === 1 ? '' : 's'}`);
  const itemParts = (['fail', 'error', 'warn', 'pass', 'manual', 'not-assessed'] as ItemVerdict[]).filter((v) => items(v) > 0).map((v) => `${items(v)} ${VERDICT_LABEL[v].toLowerCase()}`);
  const inputs = `${s.inputs.parsed} input${s.inputs.parsed === 1 ? '' : 's'} parsed${s.inputs.error ? `, ${s.inputs.error} unreadable` : ''}`;
  const why = { incomplete: ' — the audit is incomplete', 'nothing-recognisable': ' — nothing recognisable to audit', 'nothing-to-audit': ' — nothing to audit', none: '' }[whyNotAudited(report) ?? 'none'];
  return `${head}${why}: ${parts.join(', ')}; checklist: ${itemParts.join(', ')}; ${inputs}. Exit code ${s.exitCode}.`;
}
