import { describe, expect, it } from 'vitest';
import { buildSarif, renderSarif, artifactUri } from '../../src/report/sarif.js';
import { expectValidSarif, finding, makeReport, multitoolPath, multitoolValidate, rule, sarifSchemaErrors } from './helpers.js';

const mt = multitoolPath();
if (!mt.path) console.warn(`SARIF Multitool checks skipped: ${mt.why}`);

const rules = [rule('container-privileged'), rule('container-run-as-root', { severity: 'medium', checklist: 'blast-radius' }), rule('env-secret-literal', { severity: 'critical', checklist: 'key-storage' })];

/** Every SARIF these tests make goes through both validators. */

describe('SARIF 2.1.0', () => {
  it('describes the driver and every registry rule, even with no results', () => {
    const log = expectValidSarif(renderSarif(makeReport(), rules, { cwd: '/work/repo' }));
    expect(log.version).toBe('2.1.0');
    const run = log.runs[0];
    expect(run.results).toEqual([]);
    expect(run.tool.driver.name).toBe('sandcheck');
    expect(run.tool.driver.version).toBe('0.1.0');
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules.map((r: any) => r.id)).toEqual(['container-privileged', 'container-run-as-root', 'env-secret-literal', 'suppression-without-reason']);
    const r0 = run.tool.driver.rules[0];
    expect(r0).toMatchObject({
      name: 'ContainerPrivileged',
      shortDescription: { text: 'Title of container-privileged.' },
      fullDescription: { text: 'Why container-privileged matters.' },
      help: { markdown: 'Fix container-privileged like this.' },
      defaultConfiguration: { level: 'error' },
      properties: { tags: ['security', 'image-hardening'], 'security-severity': '8.0' },
    });
    expect(r0.helpUri).toMatch(/\/docs\/rules\/container-privileged\.md$/);
    expect(run.tool.driver.rules[2].properties['security-severity']).toBe('9.5');
    expect(run.tool.driver.rules[1].defaultConfiguration.level).toBe('warning');
    expect(run.invocations[0].executionSuccessful).toBe(true);
    expect(run.tool.driver.rules[3].helpUri).toMatch(/\/docs\/ci-and-workflow\.md#suppressing-a-finding-inline-always-with-a-reason$/);
  });

  it('describes the checks the engine makes itself from their own definitions, once each, and any other unknown rule from its finding', () => {
    const report = makeReport({
      findings: [
        finding('suppression-without-reason', { checklist: 'blast-radius', severity: 'low', fingerprint: '1' }),
        finding('trust-boundary-unmatched', { checklist: 'workload-isolation', severity: 'low', verdict: 'warn', fingerprint: '2', location: { file: 'sandcheck.yaml', line: 4 } }),
        finding('trust-boundary-unmatched', { checklist: 'workload-isolation', severity: 'low', verdict: 'warn', fingerprint: '3', location: { file: 'sandcheck.yaml', line: 7 } }),
        finding('retired-rule', { severity: 'medium', fingerprint: '4' }),
      ],
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo' }));
    const described = log.runs[0].tool.driver.rules;
    expect(described.map((r: any) => r.id)).toEqual(['container-privileged', 'container-run-as-root', 'env-secret-literal', 'suppression-without-reason', 'trust-boundary-unmatched', 'retired-rule']);
    const [swr, tbu, retired] = described.slice(3);
    expect(swr.shortDescription.text).toBe('Inline suppressions must give a reason.');
    expect(swr.helpUri).toMatch(/\/docs\/ci-and-workflow\.md#suppressing-a-finding-inline-always-with-a-reason$/);
    expect(tbu).toMatchObject({ shortDescription: { text: 'A trust boundary of sandcheck.yaml matches nothing in the scan.' }, defaultConfiguration: { level: 'warning' }, properties: { checklist: 'workload-isolation' } });
    expect(tbu.helpUri).toMatch(/\/docs\/key-storage\.md#trust-boundaries-workload-isolation$/);
    expect(retired).toMatchObject({ shortDescription: { text: 'Title of retired-rule.' }, help: { text: 'Fix retired-rule like this.' }, properties: { severity: 'medium', checklist: 'image-hardening' } });
    expect(log.runs[0].results.map((r: any) => [r.ruleId, r.ruleIndex])).toEqual([
      ['retired-rule', 5],
      ['suppression-without-reason', 3],
      ['trust-boundary-unmatched', 4],
      ['trust-boundary-unmatched', 4],
    ]);
  });

  it('a rule from a --rules folder links to its own reference, not to a sandcheck docs page', () => {
    const own = [rule('acme-no-debug', { builtin: false, references: ['not a url', 'https://wiki.acme.example/rules/no-debug'] }), rule('acme-bare', { builtin: false })];
    const log = expectValidSarif(renderSarif(makeReport(), own, { cwd: '/w' }));
    expect(log.runs[0].tool.driver.rules.map((r: any) => r.helpUri)).toEqual(['https://wiki.acme.example/rules/no-debug', undefined, expect.stringContaining('ci-and-workflow.md')]);
  });

  it('gives each result its rule index, level, a path relative to --root with a 1-based region, and a fingerprint', () => {
    const report = makeReport({
      findings: [
        finding('container-run-as-root', { severity: 'medium', checklist: 'blast-radius', location: { file: 'deploy/web.yaml', line: 7, column: 3, pointer: '/user' } }),
        finding('container-privileged'),
      ],
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo', root: '/work' }));
    const results = log.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ['container-run-as-root', 1, 'warning'],
      ['container-privileged', 0, 'error'],
    ]);
    expect(results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'repo/deploy/web.yaml', uriBaseId: 'ROOT' }, region: { startLine: 7, startColumn: 3 } });
    expect(results[1].partialFingerprints).toEqual({ 'sandcheck/v1': 'fp-container-privileged' });
    expect(results[1].properties).toMatchObject({ targetId: 'k8s:default/Deployment/web#container=app', pointer: '/privileged', checklist: 'image-hardening' });
    expect(log.runs[0].originalUriBaseIds.ROOT.uri).toBe('file:///work/');
    expect(results[1].message.text).toBe('default/Deployment/web › container app: Container "web" violates container-privileged.');
  });

  it('uses a logical location for live containers, Kubernetes objects and images (and their uri as the artifact)', () => {
    const report = makeReport({
      findings: [
        finding('container-privileged', { location: { uri: 'docker://container/agent-1', pointer: '/privileged' }, fingerprint: 'a' }),
        finding('container-privileged', { location: { uri: 'k8s://sandbox/Pod/worker-0', pointer: '/privileged' }, fingerprint: 'b' }),
        finding('env-secret-literal', { severity: 'critical', checklist: 'key-storage', location: { uri: 'image://registry.example/agent@sha256:abc', detail: 'layer 3 /app/.env' }, fingerprint: 'c' }),
      ],
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo' }));
    const locs = log.runs[0].results.map((r: any) => r.locations[0]);
    // GitHub rejects a whole upload if one result lacks a physical location: the uri stands in as the artifact.
    expect(locs.map((l: any) => l.physicalLocation)).toEqual([
      { artifactLocation: { uri: 'docker://container/agent-1' } },
      { artifactLocation: { uri: 'image://registry.example/agent@sha256:abc' } },
      { artifactLocation: { uri: 'k8s://sandbox/Pod/worker-0' } },
    ]);
    expect(locs.map((l: any) => l.logicalLocations[0].fullyQualifiedName)).toEqual(['docker://container/agent-1', 'image://registry.example/agent@sha256:abc', 'k8s://sandbox/Pod/worker-0']);
    expect(locs.map((l: any) => l.logicalLocations[0].kind)).toEqual(['container', 'image', 'object']);
    expect(log.runs[0].results[1].message.text).toBe('default/Deployment/web › container app: Container "web" violates env-secret-literal (layer 3 /app/.env).');
  });

  it('marks waived, inline-suppressed and baselined findings with suppressions[]', () => {
    const report = makeReport({
      findings: [
        finding('container-privileged', { suppressed: { by: 'inline', reason: 'debug pod, never deployed' }, fingerprint: 'x1' }),
        finding('container-privileged', { suppressed: { by: 'waiver', reason: 'vendor image', expires: '2027-01-31' }, fingerprint: 'x2', location: { file: 'deploy/web.yaml', line: 30 } }),
        finding('container-privileged', { suppressed: { by: 'baseline', reason: 'in baseline .sandcheck-baseline.json' }, fingerprint: 'x3', location: { file: 'deploy/web.yaml', line: 40 } }),
      ],
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo' }));
    expect(log.runs[0].results.map((r: any) => r.suppressions)).toEqual([
      [{ kind: 'inSource', status: 'accepted', justification: 'debug pod, never deployed', properties: { by: 'inline' } }],
      [{ kind: 'external', status: 'accepted', justification: 'vendor image', properties: { by: 'waiver', expires: '2027-01-31' } }],
      [{ kind: 'external', status: 'accepted', justification: 'in baseline .sandcheck-baseline.json', properties: { by: 'baseline' } }],
    ]);
  });

  it('reports input errors as tool execution notifications and executionSuccessful false', () => {
    const report = makeReport({
      inputs: [
        { path: 'deploy/broken.yaml', format: null, status: 'error', error: 'deploy/broken.yaml:3: bad indentation of a mapping entry', line: 3 },
        { path: 'notes.txt', format: null, status: 'skipped', reason: 'not a recognised format' },
      ],
      errors: [{ message: 'rule container-privileged failed on web: boom', ruleId: 'container-privileged', targetId: 't' }],
      summary: { ...makeReport().summary, exitCode: 2, verdict: 'error' },
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo' }));
    const inv = log.runs[0].invocations[0];
    expect(inv.executionSuccessful).toBe(false);
    expect(inv.exitCode).toBe(2);
    expect(inv.toolExecutionNotifications.map((n: any) => [n.level, n.descriptor.id])).toEqual([
      ['error', 'input-error'],
      ['error', 'rule-error'],
      ['note', 'input-skipped'],
    ]);
    expect(inv.toolExecutionNotifications[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'deploy/broken.yaml', uriBaseId: 'ROOT' }, region: { startLine: 3 } });
    expect(inv.toolExecutionNotifications[1].associatedRule).toEqual({ id: 'container-privileged', index: 0 });
    expect(log.runs[0].results).toEqual([]);
  });

  it('gives files outside --root an absolute file URI and percent-encodes names', () => {
    expect(artifactUri('../other/x.yaml', '/work/repo', '/work/repo')).toBe('file:///work/other/x.yaml');
    expect(artifactUri('dir with space/a#b.yaml', '/work/repo', '/work/repo')).toBe('dir%20with%20space/a%23b.yaml');
    const report = makeReport({ findings: [finding('container-privileged', { location: { file: '/etc/sandbox/compose.yaml', line: 4 } })] });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/work/repo' }));
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///etc/sandbox/compose.yaml' });
  });

  it('the schema copy rejects what SARIF forbids (the validator is not vacuous)', () => {
    const log = buildSarif(makeReport({ findings: [finding('container-privileged')] }), rules, { cwd: '/w' }) as any;
    log.runs[0].results[0].level = 'critical';
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    const errors = sarifSchemaErrors(log);
    expect(errors.some((e) => e.includes('/runs/0/results/0/level'))).toBe(true);
    expect(errors.some((e) => e.includes('/region/startLine'))).toBe(true);
  });

  it('every result has a physical artifact location (GitHub code scanning requires one)', () => {
    const report = makeReport({
      findings: [
        finding('container-privileged', { location: { file: 'a.yaml', line: 3 }, fingerprint: '1' }),
        finding('container-privileged', { location: { uri: 'docker://container/x' }, fingerprint: '2' }),
        finding('container-privileged', { location: { file: '<stdin>', line: 2 }, fingerprint: '3' }),
        finding('container-privileged', { location: {}, fingerprint: '4' }),
      ],
    });
    const log = expectValidSarif(renderSarif(report, rules, { cwd: '/w' }));
    for (const r of log.runs[0].results) expect(typeof r.locations[0].physicalLocation.artifactLocation.uri).toBe('string');
  });

  it.skipIf(!mt.path)('the multitool applies GitHub ingestion rules too (a descriptor without help is an error)', () => {
    const log = buildSarif(makeReport(), rules, { cwd: '/w' }) as any;
    delete log.runs[0].tool.driver.rules[0].help;
    expect(multitoolValidate(JSON.stringify(log)).errors.some((e) => e.startsWith('GH2012:'))).toBe(true);
  });

  it.skipIf(!mt.path)('the multitool reports errors in a broken log (the validator is not vacuous)', () => {
    const log = buildSarif(makeReport({ findings: [finding('container-privileged')] }), rules, { cwd: '/w' }) as any;
    log.runs[0].results[0].ruleIndex = 7;
    // Exactly the planted fault: a ruleIndex past the end of the rule registry (8 rules).
    expect(multitoolValidate(JSON.stringify(log)).errors).toEqual(['SARIF1009: Error_TargetArrayMustBeLongEnough ["runs[0].results[0]","result","ruleIndex","7","runs[0].tool.driver.rules","8"]']);
  });
});
