import { describe, expect, it } from 'vitest';
import { parseCommentSuppressions, toTargetSuppressions } from '../../src/util/comment-suppressions.js';

describe('# sandcheck-ignore comments', () => {
  it('covers the next line that is neither blank nor a comment, stacked and listed', () => {
    const text = [
      'FROM alpine:3.20', // 1
      '# sandcheck-ignore dockerfile-add-remote -- vendored tarball, checksum in CI', // 2
      '#   sandcheck-ignore   dockerfile-curl-pipe-shell,dockerfile-user-root --   pinned installer  ', // 3
      '', // 4
      '# an ordinary comment', // 5
      'ADD https://example.com/x.tgz /x', // 6
      '  # sandcheck-ignore env-secret-literal', // 7
      'API_KEY=abc', // 8
      '# sandcheck-ignore fw-egress-any -- trailing, covers nothing', // 9
    ].join('\r\n');
    const { suppressions, problems } = parseCommentSuppressions(text);
    expect(problems).toEqual([]);
    expect(suppressions).toEqual([
      { ruleId: 'dockerfile-add-remote', reason: 'vendored tarball, checksum in CI', line: 2, column: 1, appliesToLine: 6 },
      { ruleId: 'dockerfile-curl-pipe-shell', reason: 'pinned installer', line: 3, column: 1, appliesToLine: 6 },
      { ruleId: 'dockerfile-user-root', reason: 'pinned installer', line: 3, column: 1, appliesToLine: 6 },
      { ruleId: 'env-secret-literal', reason: null, line: 7, column: 3, appliesToLine: 8 },
      { ruleId: 'fw-egress-any', reason: 'trailing, covers nothing', line: 9, column: 1, appliesToLine: null },
    ]);
    expect(toTargetSuppressions('worker/.env', suppressions.slice(3))).toEqual([
      { ruleId: 'env-secret-literal', reason: null, source: 'comment', location: { file: 'worker/.env', line: 7, column: 3 }, appliesToLine: 8 },
      // Nothing follows: it covers its own (comment) line, where no finding can be.
      { ruleId: 'fw-egress-any', reason: 'trailing, covers nothing', source: 'comment', location: { file: 'worker/.env', line: 9, column: 1 }, appliesToLine: 9 },
    ]);
  });

  it('reports comments that name no rule or a malformed id, and ignores look-alikes', () => {
    const { suppressions, problems } = parseCommentSuppressions('# sandcheck-ignore\n# sandcheck-ignore Not_A_Rule -- x\n# sandcheck-ignored foo -- x\n# sandcheck-ignore-file foo\nRUN true\n');
    expect(suppressions).toEqual([]);
    expect(problems).toEqual([
      { line: 1, reason: 'sandcheck-ignore names no rule' },
      { line: 2, reason: "sandcheck-ignore: 'Not_A_Rule' is not a rule id" },
    ]);
  });

  it('keeps a reason that itself contains --', () => {
    expect(parseCommentSuppressions('# sandcheck-ignore a-rule -- see PLAT-12 -- approved by sec\nX=1\n').suppressions[0]!.reason).toBe('see PLAT-12 -- approved by sec');
  });
});
