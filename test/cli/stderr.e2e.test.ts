import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';
import { ROOT } from '../helpers/fixtures.js';

// Standard error whose reader has gone away (`sandcheck … 2>&1 | head`, a closed log pipe): every write
// meets EPIPE. The run must end with its own exit code; Node's unhandled 'error' event made it exit 1
// (a passing gate failed, a usage error read as "findings").

/** Runs the CLI with stderr on a pipe whose read end is already closed; returns its exit code. */
function withClosedStderr(args: string[]): number {
  const py = ['import os, subprocess, sys', 'r, w = os.pipe()', 'os.close(r)', 'sys.exit(subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=w).returncode)'].join('\n');
  const r = spawnSync('python3', ['-c', py, process.execPath, BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return r.status ?? -1;
}

describe('standard error closed by its reader', () => {
  const dir = tempDir();

  it('a usage error still exits 2 (unknown option, unknown command, unknown rule)', () => {
    expect(withClosedStderr(['scan', '--bogus'])).toBe(2);
    expect(withClosedStderr(['frob'])).toBe(2);
    expect(withClosedStderr(['explain', 'no-such-rule'])).toBe(2);
  });

  it('an input error still exits 2', () => {
    expect(withClosedStderr(['scan', join(dir, 'missing.yaml')])).toBe(2);
  });

  it('a run whose summary goes to stderr (every report in a file) keeps its exit code: 0 passing, 1 failing', () => {
    const hardened = 'fixtures/sandboxes/hardened';
    expect(withClosedStderr(['scan', hardened, '--config', `${hardened}/sandcheck.yaml`, '--output', join(dir, 'pass.txt')])).toBe(0);
    expect(withClosedStderr(['scan', 'fixtures/sandboxes/leaky', '--format', `json=${join(dir, 'fail.json')}`])).toBe(1);
  });
});
