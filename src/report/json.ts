import type { Report } from '../model/finding.js';

/** The JSON report (schemaVersion 1; see README "JSON report"). Evaluations only when asked. */
export function renderJson(report: Report, opts: { evaluations?: boolean } = {}): string {
  const { evaluations, ...rest } = report;
  return JSON.stringify(opts.evaluations ? { ...rest, evaluations } : rest, null, 2) + '\n';
}
