import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { finding, makeReport } from './helpers.js';

describe('text report: suppressed findings under their item', () => {
  it('one line per item, grouped by how and why, each rule once with its count', () => {
    const baseline = { by: 'baseline' as const, reason: 'known: recorded in the baseline b.json' };
    const report = makeReport({
      findings: [
        finding('container-privileged', { suppressed: baseline }),
        finding('container-run-as-root', { suppressed: baseline, fingerprint: 'a' }),
        finding('container-run-as-root', { suppressed: baseline, fingerprint: 'b' }),
        finding('container-rootfs-writable', { suppressed: { by: 'waiver', reason: 'tools write to /tmp, OPS-9' } }),
      ],
    });
    const text = renderText(report, { color: false });
    const lines = text.split('\n').filter((l) => l.includes('suppressed —'));
    expect(lines).toEqual([
      '             4 suppressed — baseline (known: recorded in the baseline b.json): container-privileged, container-run-as-root ×2; waiver (tools write to /tmp, OPS-9): container-rootfs-writable',
    ]);
  });
});

describe('text report: colour', () => {
  const report = makeReport({ findings: [finding('container-privileged')] });

  it('has no escape sequence without colour', () => {
    expect(renderText(report, { color: false })).not.toMatch(/\x1b\[/);
  });

  it('paints with basic ANSI colours (chalk, loaded only for a coloured report)', () => {
    const text = renderText(report, { color: true });
    const head = text.split('\n')[0]!;
    // the item's verdict in bold red, its id in bold
    expect(head.startsWith('\x1b[31m\x1b[1mFAIL        \x1b[22m\x1b[39m \x1b[1m')).toBe(true);
    expect(text.replace(/\x1b\[\d+m/g, '')).toBe(renderText(report, { color: false }));
  });
});
