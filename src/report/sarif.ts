import { isAbsolute, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SUPPRESSION_WITHOUT_REASON_RULE } from '../engine/suppression-findings.js';
import { ENGINE_CHECKS as ENGINE_CHECK_LIST } from '../engine/engine-checks.js';
import { ATTESTATION_EXPIRED_RULE } from '../engine/attestation-expired.js';
import type { SandcheckConfig } from '../config/types.js';
import type { LoadedRule } from '../engine/types.js';
import type { Finding, Report } from '../model/finding.js';
import type { Location } from '../model/location.js';
import type { Severity } from '../model/severity.js';
import { docUrl, repositoryUrl, ruleDocUrl } from './links.js';
import { remediationBySource } from './remediation.js';
import { compareText } from '../util/compare.js';
import { sha256Hex } from '../util/sha256.js';
import { jsonPieces } from './json.js';

/**
 * SARIF 2.1.0 for GitHub code scanning and any SARIF viewer. One run; `rules[]` comes from the rule
 * registry (not from the findings) so a clean run still documents what was checked.
 */
export interface SarifOptions {
  /** Artifact URIs are relative to this folder (`--root`); default: the working directory. */
  root?: string;
  /** The folder the report's display paths are relative to; default: the working directory. */
  cwd?: string;
  /** sandcheck.yaml: an expired attestation that fails its item is a result at the attestation's line. */
  config?: Pick<SandcheckConfig, 'file' | 'attestations' | 'lines'>;
}

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
export const FINGERPRINT_KEY = 'sandcheck/v1';

/** GitHub maps 9.0+ to critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low. */
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };
const LEVEL: Record<Severity, SarifLevel> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };

type SarifLevel = 'error' | 'warning' | 'note' | 'none';
type Json = Record<string, unknown>;

interface RuleLike {
  id: string;
  title: string;
  /** Absent for checks that report under the item of another rule (suppression-without-reason). */
  checklist?: string;
  severity: Severity;
  rationale?: string;
  remediation: string;
  verdict?: 'fail' | 'warn';
  status?: string;
  /** False for rules from --rules folders: they have no page in sandcheck's docs. */
  builtin?: boolean;
  references?: string[];
  docPath?: string;
}

export function renderSarif(report: Report, rules: readonly LoadedRule[], opts: SarifOptions = {}): string {
  return [...sarifPieces(report, rules, opts)].join('');
}

/** renderSarif's text in pieces (jsonPieces), for writing a large log without holding it as one string. */
export function sarifPieces(report: Report, rules: readonly LoadedRule[], opts: SarifOptions = {}): Iterable<string> {
  return jsonPieces(buildSarif(report, rules, opts));
}

export function buildSarif(report: Report, rules: readonly LoadedRule[], opts: SarifOptions = {}): Json {
  const cwd = opts.cwd ?? process.cwd();
  const root = resolve(cwd, opts.root ?? '.');
  const uriOf = (file: string): string | undefined => artifactUri(file, cwd, root);

  const registry: RuleLike[] = [...rules];
  const known = new Set(registry.map((r) => r.id));
  const describe = (r: RuleLike): void => {
    known.add(r.id);
    registry.push(r);
  };
  // Every run checks inline suppressions for a reason: described even when none is missing one.
  if (!known.has(SUPPRESSION_WITHOUT_REASON_RULE.id)) describe(SUPPRESSION_WITHOUT_REASON_RULE);
  // A finding of a check the engine makes itself, or of a rule not in the registry, still gets a descriptor.
  for (const f of report.findings) if (!known.has(f.ruleId)) describe(ENGINE_CHECKS.get(f.ruleId) ?? descriptorOfFinding(f));
  // An expired attestation fails its item and the run (exit 1) with no finding: code scanning must show it.
  const expired = report.checklist.filter((c) => c.attestation?.expired && c.verdict === 'fail');
  if (expired.length && !known.has(ATTESTATION_EXPIRED_RULE.id)) describe(ATTESTATION_EXPIRED_RULE);
  const index = new Map(registry.map((r, i) => [r.id, i]));

  const results = [
    ...[...report.findings].sort(compareFindings).map((f) => result(f, index.get(f.ruleId)!, uriOf)),
    ...expired.map((item) => attestationResult(item, index.get(ATTESTATION_EXPIRED_RULE.id)!, opts.config, uriOf)),
  ];
  const notifications = [
    ...report.inputs.filter((i) => i.status === 'error').map((i) => notification('error', i.error ?? `${i.path}: could not be read`, 'input-error', i.path === '<stdin>' ? undefined : uriOf(i.path), i.line)),
    ...report.errors.map((e) => {
      const n = notification('error', e.message, e.ruleId ? 'rule-error' : 'run-error', e.file ? uriOf(e.file) : undefined);
      if (e.ruleId && index.has(e.ruleId)) n.associatedRule = { id: e.ruleId, index: index.get(e.ruleId) };
      return n;
    }),
    ...report.inputs.filter((i) => i.status === 'skipped').map((i) => notification('note', `${i.path} skipped: ${i.reason ?? 'not a recognised format'}`, 'input-skipped', undefined)),
  ];

  const invocation: Json = {
    executionSuccessful: report.summary.exitCode !== 2,
    exitCode: report.summary.exitCode,
    toolExecutionNotifications: notifications,
  };

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: repositoryUrl(),
            rules: registry.map(descriptor),
            notifications: NOTIFICATIONS.map(({ id, text, help }) => ({ id, shortDescription: { text }, fullDescription: { text }, help: { text: help, markdown: help } })),
          },
        },
        invocations: [invocation],
        originalUriBaseIds: { ROOT: { uri: pathToFileURL(root + sep).href } },
        columnKind: 'utf16CodeUnits',
        results,
        properties: { verdict: report.summary.verdict, failOn: report.summary.failOn, checklist: report.checklist.map((c) => ({ id: c.id, verdict: c.verdict })) },
      },
    ],
  };
}

/** Checks that are no rule file (the engine makes them: their checklist item or target is not a rule's), described for rules[]. */
const ENGINE_CHECKS = new Map<string, RuleLike>(ENGINE_CHECK_LIST.map((r) => [r.id, r]));

function attestationResult(item: Report['checklist'][number], ruleIndex: number, config: SarifOptions['config'], uriOf: (file: string) => string | undefined): Json {
  const a = item.attestation!;
  const at = config?.attestations.findIndex((x) => x.item === item.id) ?? -1;
  const line = at >= 0 ? config?.lines?.attestations?.[at] : undefined;
  const uri = config?.file ? uriOf(config.file) : undefined;
  const fqn = `sandcheck:attestation/${item.id}`;
  return {
    ruleId: ATTESTATION_EXPIRED_RULE.id,
    ruleIndex,
    level: 'error',
    message: { text: sentence(`${item.id}: attestation by ${a.by} of ${a.date} expired on ${a.expires}`) },
    locations: [
      uri
        ? { physicalLocation: { artifactLocation: isAbsoluteUri(uri) ? { uri } : { uri, uriBaseId: 'ROOT' }, ...(line ? { region: { startLine: line } } : {}) } }
        : { physicalLocation: { artifactLocation: { uri: fqn } }, logicalLocations: [{ name: `attestation of ${item.id}`, fullyQualifiedName: fqn, kind: 'resource' }] },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: sha256Hex(`attestation-expired\0${item.id}\0${a.expires ?? ''}`).slice(0, 16) },
    properties: { checklist: item.id, severity: ATTESTATION_EXPIRED_RULE.severity, verdict: 'fail' },
  };
}

function descriptorOfFinding(f: Finding): RuleLike {
  return { id: f.ruleId, title: f.title, checklist: f.checklist, severity: f.severity, remediation: f.remediation, verdict: f.verdict };
}

function descriptor(r: RuleLike): Json {
  // A rule's remediation may name keys per source format ({{key.x}}): the help gives each wording.
  const fix = remediationBySource(r).join('\n');
  const d: Json = {
    id: r.id,
    name: pascalCase(r.id),
    shortDescription: { text: sentence(r.title) },
    fullDescription: { text: sentence(r.rationale?.trim() || r.title) },
    help: { text: fix, markdown: fix },
    defaultConfiguration: { level: r.verdict === 'warn' ? 'warning' : LEVEL[r.severity] },
    properties: {
      tags: r.checklist ? ['security', r.checklist] : ['security'],
      'security-severity': SECURITY_SEVERITY[r.severity],
      severity: r.severity,
      ...(r.checklist ? { checklist: r.checklist } : {}),
      ...(r.status ? { status: r.status } : {}),
    },
  };
  const help = helpUri(r);
  if (help) d.helpUri = help;
  return d;
}

/** Built-in rules link to their generated page; a user rule to its first reference, if it is a URL. */
function helpUri(r: RuleLike): string | undefined {
  if (r.docPath) return docUrl(r.docPath);
  if (r.builtin !== false) return ruleDocUrl(r.id);
  return r.references?.find((u) => /^https?:\/\/\S+$/.test(u));
}

function result(f: Finding, ruleIndex: number, uriOf: (file: string) => string | undefined): Json {
  const level: SarifLevel = f.verdict === 'warn' && LEVEL[f.severity] === 'error' ? 'warning' : LEVEL[f.severity];
  const r: Json = {
    ruleId: f.ruleId,
    ruleIndex,
    level,
    // The rule's message states the fact; the target name says which object in the file it is about.
    message: { text: sentence(`${f.target.name}: ${f.message}${f.location.detail ? ` (${f.location.detail})` : ''}`) },
    locations: [location(f.location, f.target, uriOf)],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      checklist: f.checklist,
      severity: f.severity,
      verdict: f.verdict,
      targetId: f.target.id,
      targetName: f.target.name,
      ...(f.location.pointer !== undefined ? { pointer: f.location.pointer } : {}),
      ...(f.evidence ? { evidence: f.evidence } : {}),
    },
  };
  if (f.suppressed) {
    r.suppressions = [
      {
        kind: f.suppressed.by === 'inline' ? 'inSource' : 'external',
        status: 'accepted',
        justification: f.suppressed.reason,
        properties: { by: f.suppressed.by, ...(f.suppressed.expires ? { expires: f.suppressed.expires } : {}) },
      },
    ];
  }
  return r;
}

/**
 * A file → physical location relative to ROOT with a 1-based region. A live object or image →
 * a logical location by its uri (`docker://…`, `k8s://…`, `image://…`), plus that uri as the
 * artifact: GitHub code scanning rejects a whole upload when one result has no physical location.
 */
function location(loc: Location, target: Finding['target'], uriOf: (file: string) => string | undefined): Json {
  const uri = loc.file && loc.file !== '<stdin>' ? uriOf(loc.file) : undefined;
  if (uri) {
    const physical: Json = { artifactLocation: isAbsoluteUri(uri) ? { uri } : { uri, uriBaseId: 'ROOT' } };
    if (loc.line && loc.line >= 1) physical.region = { startLine: loc.line, ...(loc.column && loc.column >= 1 ? { startColumn: loc.column } : {}) };
    return { physicalLocation: physical };
  }
  const fqn = loc.uri ?? `sandcheck:${encodeURIComponent(target.id)}`;
  return {
    physicalLocation: { artifactLocation: { uri: fqn } },
    logicalLocations: [{ name: loc.uri ?? (loc.file === '<stdin>' ? '<stdin>' : target.name), fullyQualifiedName: fqn, kind: logicalKind(loc.uri) }],
  };
}

function logicalKind(uri: string | undefined): string {
  if (!uri) return 'resource';
  if (uri.startsWith('docker://')) return 'container';
  if (uri.startsWith('k8s://')) return 'object';
  if (uri.startsWith('image://')) return 'image';
  return 'resource';
}

const NOTIFICATIONS = [
  { id: 'input-error', text: 'An input could not be read or parsed; the audit is incomplete.', help: 'Fix the file at the line given (or leave it out of the scan); sandcheck never passes an input it cannot read.' },
  { id: 'rule-error', text: 'A rule could not be evaluated on a target.', help: 'Report it with the rule id and the input; the audit of that item is incomplete.' },
  { id: 'run-error', text: 'A run-level problem (configuration, rules) made the audit incomplete.', help: 'Fix the configuration or rule file named in the message.' },
  { id: 'input-skipped', text: 'An input was not audited (unrecognised format, binary, too large).', help: 'Nothing to do if the file is not part of the sandbox; otherwise check its format.' },
] as const;
type NotificationId = (typeof NOTIFICATIONS)[number]['id'];

function notification(level: 'error' | 'note', text: string, id: NotificationId, uri: string | undefined, line?: number): Json {
  const n: Json = { level, message: { text: sentence(text) }, descriptor: { id, index: NOTIFICATIONS.findIndex((d) => d.id === id) } };
  if (uri) {
    const physical: Json = { artifactLocation: isAbsoluteUri(uri) ? { uri } : { uri, uriBaseId: 'ROOT' } };
    if (line && line >= 1) physical.region = { startLine: line };
    n.locations = [{ physicalLocation: physical }];
  }
  return n;
}

/** Relative to root with `/` separators and percent-encoding; a file outside root gets a file:// URI. */
export function artifactUri(file: string, cwd: string, root: string): string | undefined {
  if (!file) return undefined;
  const abs = isAbsolute(file) ? file : resolve(cwd, file);
  const rel = relative(root, abs);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(abs).href;
  return rel.split(sep).map(encodeURIComponent).join('/');
}

function isAbsoluteUri(uri: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(uri);
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    compareText(a.location.file ?? a.location.uri ?? '', b.location.file ?? b.location.uri ?? '') ||
    (a.location.line ?? 0) - (b.location.line ?? 0) ||
    compareText(a.ruleId, b.ruleId) ||
    compareText(a.fingerprint, b.fingerprint)
  );
}

function pascalCase(id: string): string {
  return id
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((s) => s[0]!.toUpperCase() + s.slice(1))
    .join('');
}

/** SARIF viewers show the first sentence; messages should end with a period. */
function sentence(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ');
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
