import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { LoadedRule } from '../engine/types.js';
import type { Report } from '../model/finding.js';
import { renderMarkdown } from './markdown.js';
import type { OutputSpec } from './writers.js';
import { errnoReason } from '../util/errno-reason.js';
import { writeStderr } from '../util/stderr.js';

/**
 * In GitHub Actions, `$GITHUB_STEP_SUMMARY` names a file whose Markdown is shown on the run's page.
 * The summary is appended (other steps may have written to it), unless the user already sends the
 * markdown format to that same file. A failure to write is reported, never fatal: the report and
 * the exit code matter more than the summary.
 */
export function writeStepSummary(report: Report, rules: readonly LoadedRule[], outputs: readonly OutputSpec[], env: NodeJS.ProcessEnv = process.env): string | null {
  const target = env.GITHUB_STEP_SUMMARY;
  if (!target) return null;
  const abs = resolve(target);
  if (outputs.some((o) => o.format === 'markdown' && o.file !== null && resolve(o.file) === abs)) return null;
  try {
    appendFileSync(abs, renderMarkdown(report, rules) + '\n');
    return abs;
  } catch (err) {
    writeStderr(`sandcheck: warning: cannot write the step summary to ${target} ($GITHUB_STEP_SUMMARY): ${errnoReason(err)}\n`);
    return null;
  }
}
