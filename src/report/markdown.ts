import type { LoadedRule } from '../engine/types.js';
import type { ItemVerdict } from '../model/checklist.js';
import type { Finding, Report } from '../model/finding.js';
import { formatLocation } from '../model/location.js';
import { severityRank } from '../model/severity.js';
import { ruleDocUrl } from './links.js';
import { compareText } from '../util/compare.js';
import { notAuditedMessage } from './not-audited.js';

/**
 * A compact Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the overall
 * verdict, one table row per checklist item, then the active failing findings (capped so the comment
 * stays under GitHub's size limit), input errors, and counts of what was suppressed.
 */
export interface MarkdownOptions {
  /** At most this many findings are listed (the rest are counted). Default 50. */
  maxFindings?: number;
  /** Link rule ids to their docs pages. Default true. */
  links?: boolean;
}

const ICON: Record<ItemVerdict, string> = {
  pass: '✅ pass',
  fail: '❌ fail',
  warn: '⚠️ warn',
  manual: '📝 manual',
  'not-assessed': '➖ not assessed',
  error: '⛔ error',
};

const HEADLINE: Record<Report['summary']['verdict'], string> = {
  pass: '✅ sandcheck: pass',
  fail: '❌ sandcheck: fail',
  error: '⛔ sandcheck: the audit could not be completed',
};

export function renderMarkdown(report: Report, rules: readonly LoadedRule[], opts: MarkdownOptions = {}): string {
  const max = opts.maxFindings ?? 50;
  const links = opts.links ?? true;
  // Only built-in rules have a page in sandcheck's docs.
  const known = new Set(rules.filter((r) => r.builtin).map((r) => r.id));
  const s = report.summary;
  const lines: string[] = [];
  lines.push(`### ${HEADLINE[s.verdict]}`, '');
  lines.push(
    `${s.findings.fail} failing, ${s.findings.warn} warning${s.findings.warn === 1 ? '' : 's'}, ${s.findings.suppressed} suppressed · ` +
      `${s.inputs.parsed} input${s.inputs.parsed === 1 ? '' : 's'} parsed, ${s.inputs.skipped} skipped, ${s.inputs.error} with errors · ` +
      `${s.targets} target${s.targets === 1 ? '' : 's'}, ${s.rules} rule${s.rules === 1 ? '' : 's'} · fail on: ${cell(s.failOn)} · sandcheck ${report.tool.version}`,
    '',
  );

  lines.push('| Checklist item | Verdict | Fail | Warn | Pass | Suppressed | Note |', '|---|---|--:|--:|--:|--:|---|');
  for (const c of report.checklist) {
    let note = c.note ?? '';
    if (c.attestation) {
      const evidence = isLink(c.attestation.evidence) ? `[evidence](${c.attestation.evidence})` : c.attestation.evidence;
      note = `${note}${note ? '; ' : ''}${evidence}${c.attestation.expires ? `, expires ${c.attestation.expires}` : ''}`;
    }
    lines.push(`| \`${c.id}\` ${cell(c.title)} | ${ICON[c.verdict]} | ${c.counts.fail} | ${c.counts.warn} | ${c.counts.pass} | ${c.counts.suppressed} | ${cell(note)} |`);
  }
  lines.push('');

  const active = report.findings
    .filter((f) => !f.suppressed)
    .sort((a, b) => (a.verdict === b.verdict ? 0 : a.verdict === 'fail' ? -1 : 1) || severityRank(b.severity) - severityRank(a.severity) || compareText(a.ruleId, b.ruleId) || compareText(a.location.file ?? '', b.location.file ?? '') || (a.location.line ?? 0) - (b.location.line ?? 0));
  if (active.length) {
    lines.push(`#### Findings (${active.length})`, '');
    lines.push('| Severity | Rule | Where | Message |', '|---|---|---|---|');
    for (const f of active.slice(0, max)) {
      const rule = links && known.has(f.ruleId) ? `[\`${f.ruleId}\`](${ruleDocUrl(f.ruleId)})` : `\`${f.ruleId}\``;
      lines.push(`| ${f.verdict === 'warn' ? `warn/${f.severity}` : f.severity} | ${rule} | ${where(f)} | ${cell(f.message)} |`);
    }
    if (active.length > max) lines.push('', `…and ${active.length - max} more (see the full report).`);
    lines.push('');
  }

  const inputErrors = report.inputs.filter((i) => i.status === 'error');
  const notAudited = notAuditedMessage(report);
  if (inputErrors.length || report.errors.length || notAudited) {
    lines.push('#### Errors', '');
    for (const i of inputErrors) lines.push(`- ${cell(i.error ?? `${i.path}: could not be read`)}`);
    for (const e of report.errors) lines.push(`- ${cell(e.message)}`);
    if (notAudited) lines.push(`- ${cell(notAudited)}`);
    lines.push('');
  }

  const suppressed = report.findings.filter((f) => f.suppressed);
  if (suppressed.length) {
    const by = new Map<string, number>();
    for (const f of suppressed) by.set(f.suppressed!.by, (by.get(f.suppressed!.by) ?? 0) + 1);
    lines.push(`<sub>Suppressed: ${[...by].map(([k, n]) => `${n} by ${k === 'baseline' ? 'the baseline' : k === 'waiver' ? 'waivers' : 'inline comments/annotations'}`).join(', ')}.</sub>`, '');
  }
  return lines.join('\n');
}

function where(f: Finding): string {
  const loc = formatLocation(f.location);
  return loc ? `\`${loc.replace(/`/g, "'")}\`` : cell(f.target.name);
}

function isLink(s: string): boolean {
  return /^https?:\/\/\S+$/.test(s);
}

/** One table cell: no newlines, pipes escaped, HTML-looking text neutralised. */
function cell(s: string): string {
  return s
    .replace(/\r?\n/g, ' ')
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .trim();
}
