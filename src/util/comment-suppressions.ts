import type { Suppression } from '../model/target.js';

/**
 * `# sandcheck-ignore <rule-id>[, <rule-id>…] -- <reason>` comments, for line-based inputs (Dockerfile,
 * .env, iptables/nftables files). A comment covers the next line that is neither blank nor a comment;
 * several comments stacked above one line all cover it. A suppression without a reason is kept with
 * `reason: null` (it does not suppress; the engine reports it).
 */
export interface CommentSuppression {
  ruleId: string;
  reason: string | null;
  /** 1-based line and column of the comment. */
  line: number;
  column: number;
  /** The line it covers, or null when nothing follows it. */
  appliesToLine: number | null;
}

export interface CommentSuppressionProblem {
  line: number;
  reason: string;
}

const DIRECTIVE = /^(\s*)#\s*sandcheck-ignore(?=\s|$)(.*)$/;
const RULE_ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export function parseCommentSuppressions(text: string): { suppressions: CommentSuppression[]; problems: CommentSuppressionProblem[] } {
  const lines = text.split(/\r?\n/);
  const suppressions: CommentSuppression[] = [];
  const problems: CommentSuppressionProblem[] = [];
  let pending: CommentSuppression[] = [];
  lines.forEach((raw, i) => {
    const line = i + 1;
    const m = DIRECTIVE.exec(raw);
    if (m) {
      const body = m[2]!;
      const sep = body.search(/\s--(\s|$)/);
      const idsText = (sep < 0 ? body : body.slice(0, sep)).trim();
      const reasonText = sep < 0 ? '' : body.slice(sep).replace(/^\s--/, '').trim();
      const ids = idsText.split(/[\s,]+/).filter(Boolean);
      if (ids.length === 0) problems.push({ line, reason: 'sandcheck-ignore names no rule' });
      for (const id of ids) {
        if (!RULE_ID.test(id)) {
          problems.push({ line, reason: `sandcheck-ignore: '${id}' is not a rule id` });
          continue;
        }
        const s: CommentSuppression = { ruleId: id, reason: reasonText === '' ? null : reasonText, line, column: m[1]!.length + 1, appliesToLine: null };
        suppressions.push(s);
        pending.push(s);
      }
      return;
    }
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    for (const s of pending) s.appliesToLine = line;
    pending = [];
  });
  return { suppressions, problems };
}

/** As target suppressions of one file. A comment with nothing after it covers nothing (never the whole file). */
export function toTargetSuppressions(file: string, list: CommentSuppression[]): Suppression[] {
  return list.map((s) => ({
    ruleId: s.ruleId,
    reason: s.reason,
    source: 'comment',
    location: { file, line: s.line, column: s.column },
    appliesToLine: s.appliesToLine ?? s.line,
  }));
}
