import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectValidSarif } from '../report/helpers.js';
import { builtCliWithScratch, runCli } from '../workflow/cli.js';

/**
 * README (Exit codes, CI): exit 1 for "an attestation that has expired", exit 2 for "nothing
 * recognisable to audit" and "nothing to audit". The JUnit and Markdown reports of those runs said
 * nothing of it: JUnit had failures="0" errors="0" (a green CI test tab under a red job), and the
 * Markdown summary said "the audit could not be completed" without a reason.
 */
const trial = builtCliWithScratch('sc-trial-contract-');

const DIGEST = 'sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const CLEAN_POD = `apiVersion: v1
kind: Pod
metadata: {name: runner, namespace: sandbox}
spec:
  automountServiceAccountToken: false
  runtimeClassName: gvisor
  securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}
  containers:
    - name: runner
      image: registry.example.com/runner:1.0@${DIGEST}
      securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}
`;
const EXPIRED = `version: 1
attestations:
  - item: session-data
    by: security@example.com
    date: 2025-01-15
    evidence: https://wiki.example.com/retention
    expires: 2025-07-15
`;
const NOTHING_TO_AUDIT = 'nothing to audit: the inputs were read, but no rule applies to anything in them (every checklist item is not assessed)';
const NOTHING_RECOGNISABLE = 'nothing recognisable to audit (no Kubernetes manifest, compose file, Dockerfile or other supported input found)';

function totals(xml: string): string {
  return /<testsuites [^>]*>/.exec(xml)![0];
}

describe('an expired attestation (exit 1 with no finding)', () => {
  it('is a failing JUnit case of its item', () => {
    writeFileSync(join(trial.dir, 'pod.yaml'), CLEAN_POD);
    writeFileSync(join(trial.dir, 'expired.yaml'), EXPIRED);
    const r = runCli(trial.bin, ['scan', 'pod.yaml', '-c', 'expired.yaml', '-f', 'junit'], { cwd: trial.dir });
    expect(r.status).toBe(1);
    expect(totals(r.stdout)).toMatch(/ failures="1" errors="0" /);
    const suite = /<testsuite name="session-data"[^>]*>[\s\S]*?<\/testsuite>/.exec(r.stdout)![0];
    expect(suite).toMatch(/^<testsuite name="session-data" id="5" tests="2" failures="1" errors="0" skipped="1" /);
    expect(suite).toContain(
      '<testcase classname="session-data.attestation" name="attestation · session-data" time="0">\n' +
        '      <failure message="attestation by security@example.com expired on 2025-07-15" type="attestation-expired">' +
        'attested by security@example.com on 2025-01-15, expired on 2025-07-15; evidence: https://wiki.example.com/retention\n' +
        '  fix: review the item again and renew the attestation in sandcheck.yaml</failure>\n    </testcase>',
    );
  });

  it('is a SARIF result at the attestation in sandcheck.yaml, so code scanning shows the failing run', () => {
    writeFileSync(join(trial.dir, 'pod.yaml'), CLEAN_POD);
    writeFileSync(join(trial.dir, 'expired.yaml'), EXPIRED);
    const r = runCli(trial.bin, ['scan', 'pod.yaml', '-c', 'expired.yaml', '-f', 'sarif'], { cwd: trial.dir });
    expect(r.status).toBe(1);
    const run = expectValidSarif(r.stdout).runs[0];
    const results = run.results as { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: unknown[]; partialFingerprints: Record<string, string> }[];
    expect(results.map((x) => [x.ruleId, x.level, x.message.text, x.locations])).toEqual([
      [
        'attestation-expired',
        'error',
        'session-data: attestation by security@example.com of 2025-01-15 expired on 2025-07-15.',
        [{ physicalLocation: { artifactLocation: { uri: 'expired.yaml', uriBaseId: 'ROOT' }, region: { startLine: 3 } } }],
      ],
    ]);
    expect(run.tool.driver.rules[results[0]!.ruleIndex].id).toBe('attestation-expired');
    expect(results[0]!.partialFingerprints['sandcheck/v1']).toMatch(/^[0-9a-f]{16}$/);
    // An expired attestation of an item that evidence decides adds no result.
    writeFileSync(join(trial.dir, 'evidence.yaml'), EXPIRED.replace('item: session-data', 'item: image-hardening'));
    const ok = runCli(trial.bin, ['scan', 'pod.yaml', '-c', 'evidence.yaml', '-f', 'sarif'], { cwd: trial.dir });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).runs[0].results).toEqual([]);
  });

  it('automatic evidence decides an item: an expired attestation of a passing item adds no case (exit 0)', () => {
    writeFileSync(join(trial.dir, 'pod.yaml'), CLEAN_POD);
    writeFileSync(join(trial.dir, 'evidence.yaml'), EXPIRED.replace('item: session-data', 'item: image-hardening'));
    const r = runCli(trial.bin, ['scan', 'pod.yaml', '-c', 'evidence.yaml', '-f', 'junit'], { cwd: trial.dir });
    expect(r.status).toBe(0);
    expect(totals(r.stdout)).toMatch(/ failures="0" errors="0" /);
    expect(r.stdout).not.toContain('.attestation"');
  });

  it('an unexpired attestation adds no case', () => {
    writeFileSync(join(trial.dir, 'pod.yaml'), CLEAN_POD);
    writeFileSync(join(trial.dir, 'live.yaml'), EXPIRED.replace('expires: 2025-07-15', 'expires: 2099-07-15'));
    const r = runCli(trial.bin, ['scan', 'pod.yaml', '-c', 'live.yaml', '-f', 'junit'], { cwd: trial.dir });
    expect(r.status).toBe(0);
    expect(totals(r.stdout)).toMatch(/ failures="0" errors="0" /);
    expect(r.stdout).not.toContain('session-data.attestation');
  });
});

describe('nothing audited (exit 2 with every input read)', () => {
  it('nothing to audit: a JUnit error case and a Markdown error line, stderr as before', () => {
    writeFileSync(join(trial.dir, 'svc.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: worker}\nspec:\n  ports: [{port: 80}]\n');
    const j = runCli(trial.bin, ['scan', 'svc.yaml', '-f', 'junit=out/j.xml', '-f', 'markdown=out/m.md'], { cwd: trial.dir });
    expect(j.status).toBe(2);
    expect(j.stderr.split('\n')[0]).toBe(`sandcheck: ${NOTHING_TO_AUDIT}`);
    const xml = readFileSync(join(trial.dir, 'out/j.xml'), 'utf8');
    expect(totals(xml)).toMatch(/ failures="0" errors="1" /);
    expect(xml).toContain(`<testcase classname="inputs" name="run" time="0">\n      <error message="${NOTHING_TO_AUDIT}" type="nothing-to-audit">${NOTHING_TO_AUDIT}</error>\n    </testcase>`);
    const md = readFileSync(join(trial.dir, 'out/m.md'), 'utf8');
    expect(md).toContain(`#### Errors\n\n- ${NOTHING_TO_AUDIT}\n`);
  });

  it('nothing recognisable: the same, with its own reason', () => {
    writeFileSync(join(trial.dir, 'notes.txt'), 'release notes\n');
    const j = runCli(trial.bin, ['scan', 'notes.txt', '-f', 'junit'], { cwd: trial.dir });
    expect(j.status).toBe(2);
    expect(j.stderr).toBe(`sandcheck: ${NOTHING_RECOGNISABLE}\n`);
    expect(j.stdout).toContain(`<error message="${NOTHING_RECOGNISABLE}" type="nothing-to-audit">`);
    const m = runCli(trial.bin, ['scan', 'notes.txt', '-f', 'markdown'], { cwd: trial.dir });
    expect(m.status).toBe(2);
    expect(m.stdout).toContain(`#### Errors\n\n- ${NOTHING_RECOGNISABLE}\n`);
  });

  it('an input error is not also called "nothing to audit"', () => {
    writeFileSync(join(trial.dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a\n');
    const r = runCli(trial.bin, ['scan', 'broken.yaml', '-f', 'junit'], { cwd: trial.dir });
    expect(r.status).toBe(2);
    expect(totals(r.stdout)).toMatch(/ failures="0" errors="1" /);
    expect(r.stdout).toContain('type="input-error"');
    expect(r.stdout).not.toContain('nothing');
  });
});
