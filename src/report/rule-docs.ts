import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { commonDropReason } from '../analyzers/secrets/false-positives.js';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '../config/types.js';
import { audit } from '../engine/audit.js';
import { ruleSetOf, type CompiledRule } from '../engine/load-rules.js';
import { collectPaths } from '../inputs/collect.js';
import { CHECKLIST } from '../model/checklist.js';
import { classifyPair, scanText } from '../analyzers/secrets/index.js';
import { packageRoot } from '../util/package-root.js';
import { remediationBySource } from './remediation.js';

export function fixtureDir(ruleId: string): string {
  return join(packageRoot(), 'fixtures', 'rules', ruleId);
}

export function fixtureFiles(ruleId: string): { pass: string[]; fail: string[] } {
  const dir = fixtureDir(ruleId);
  if (!existsSync(dir)) return { pass: [], fail: [] };
  const files = readdirSync(dir).filter((f) => !f.endsWith('.expect.yaml')).sort();
  return { pass: files.filter((f) => f.startsWith('pass')), fail: files.filter((f) => f.startsWith('fail')) };
}

const EXPECT_LINE = /^\s*(#|\/\/)\s*(expect|todo-expect):/;

const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----/;
const PEM_END = /-----END [A-Z0-9 ]*-----/;
/** `NAME: value`, `NAME=value`: a quoted value whole (it may hold commas: `API_KEYS="k1,k2"`), else up to a delimiter. */
const PAIR = /["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?\s*[:=]\s*(?:"([^"\n]+)"|'([^'\n]+)'|([^"'\s,#}]+))/g;
/** The secret at or after a detector's column: the first run long enough to be one. */
const TOKEN_FROM = /[A-Za-z0-9_+/=.~-]{8,}/g;
/** Test templates (`{{opaque}}`), SOPS values (cut at their first comma here) and store paths are not keys. */
const NOT_A_VALUE = /^\{\{|^ENC\[|^[a-z0-9_.-]+(\/[a-z0-9_.-]+)+$/;

function mask(value: string): string {
  return `${value.slice(0, /^sk-ant-/.test(value) ? 14 : 4)}…`;
}

/**
 * Examples show the fixtures, and secret-rule fixtures hold realistic synthetic keys. Pages and
 * `sandcheck explain` show what sandcheck's own detector finds there masked (first characters + `…`),
 * one line for one line, so no page carries anything a secret scanner would take for a key.
 */
export function maskExampleSecrets(text: string): string {
  let inKey = false;
  // The whole example at once: some formats are only recognised in context (docker config.json auths).
  const hitsByLine = new Map<number, number[]>();
  for (const h of scanText(text)) hitsByLine.set(h.line, [...(hitsByLine.get(h.line) ?? []), h.column]);
  return text
    .split('\n')
    .map((line, i) => {
      if (PEM_BEGIN.test(line)) {
        inKey = !PEM_END.test(line) && !line.includes('\\n');
        // A `\n`-escaped key on one line (JSON, env files): mask the body up to its END marker.
        return line
          .replace(/(-----BEGIN[^-]*-----)(.*?)(-----END|$)/, (_, begin: string, body: string, end: string) => begin + body.split('\\n').map((part) => part.replace(/[A-Za-z0-9+/=]{4,}/g, '…')).join('\\n') + end)
          .replace('-----BEGIN', '-----BEGIN (masked example)');
      }
      if (inKey) {
        if (!PEM_END.test(line)) return line.replace(/[A-Za-z0-9+/=]{4,}/g, '…');
        inKey = false;
        return line;
      }
      // Credentials in URLs: the password goes whole.
      let out = line.replace(/(:\/\/[^\s:/@]+:)[^\s@/]+@/g, '$1****@');
      // Provider formats, from the right so earlier columns stay valid.
      for (const column of (hitsByLine.get(i + 1) ?? []).sort((a, b) => b - a)) {
        TOKEN_FROM.lastIndex = column - 1;
        const m = TOKEN_FROM.exec(out);
        if (!m) continue;
        // A hit may start at the variable name (AWS secret keys are found by name): keep `NAME=`.
        const name = /^[A-Z_][A-Z0-9_]*=(?=.)/.exec(m[0])?.[0] ?? '';
        out = out.slice(0, m.index) + name + mask(m[0].slice(name.length)) + out.slice(m.index + m[0].length);
      }
      // Named values (`ANTHROPIC_ENVIRONMENT_KEY: …`, `DB_PASSWORD=…`), judged like the scan judges them.
      return out.replace(PAIR, (whole, name: string, dq: string | undefined, sq: string | undefined, bare: string | undefined) => {
        const value = (dq ?? sq ?? bare)!;
        return !NOT_A_VALUE.test(value) && classifyPair(name, value).length ? whole.replace(value, mask(value)) : whole;
      });
    })
    .join('\n');
}

/** The fixture without its `# expect:` lines, and a map from original to shown line numbers. */
function stripAnnotations(text: string): { text: string; lineMap: Map<number, number> } {
  const kept: string[] = [];
  const lineMap = new Map<number, number>();
  text.split('\n').forEach((l, i) => {
    if (EXPECT_LINE.test(l)) return;
    kept.push(l);
    lineMap.set(i + 1, kept.length);
  });
  return { text: maskExampleSecrets(kept.join('\n').trimEnd()), lineMap };
}

function fence(file: string): string {
  if (/Dockerfile|\.dockerfile$/i.test(file)) return 'dockerfile';
  if (/\.ya?ml$/.test(file)) return 'yaml';
  if (/\.json$/.test(file)) return 'json';
  if (/\.env$|^\.env/.test(file)) return 'sh';
  return 'text';
}

/** The clock of generated pages: fixed, so a page does not change with the day it is made (key ages). */
const DOCS_CLOCK = new Date('2026-01-01T00:00:00Z');

/** The messages a fixture produces for its rule (documented under the noncompliant example). */
async function messagesFor(rule: CompiledRule, file: string, lineMaps: Map<string, Map<number, number>>): Promise<{ messages: string[]; lines: Map<string, Set<number>> }> {
  const collected = await collectPaths([file], { cwd: fixtureDir(rule.id) });
  const report = audit(collected, { rules: ruleSetOf([rule]), config: structuredClone(DEFAULT_CONFIG), failOn: 'any', now: DOCS_CLOCK });
  // A folder fixture names the file of each finding.
  const where = (f: string | undefined) => (lineMaps.size > 1 || !lineMaps.has(f ?? '') ? `${f ?? ''} ` : '');
  const findings = report.findings.filter((f) => f.ruleId === rule.id);
  const lines = new Map<string, Set<number>>();
  for (const f of findings) if (f.location.file && f.location.line) lines.set(f.location.file, (lines.get(f.location.file) ?? new Set()).add(f.location.line));
  const messages = findings.map((f) => `${f.location.line ? `${where(f.location.file)}line ${lineMaps.get(f.location.file ?? '')?.get(f.location.line) ?? f.location.line}` : (f.location.detail ?? f.location.uri ?? '')}: ${shownLinesIn(f.message, lineMaps)}`);
  return { messages, lines };
}

/** A message that names a place in a fixture (`(fail.rules:11)`) names the line the page shows, without the `# expect:` lines. */
function shownLinesIn(message: string, lineMaps: Map<string, Map<number, number>>): string {
  let out = message;
  for (const [part, map] of lineMaps) {
    const escaped = part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(^|[\\s(/])${escaped}:(\\d+)\\b`, 'g'), (_all, before: string, n: string) => `${before}${part}:${map.get(Number(n)) ?? n}`);
  }
  return out;
}

/**
 * A secret-literal finding on a line the text-only masking left alone (a key only its context makes one:
 * a compose secret file, a config's content): its longest token is masked too.
 */
function maskReportedLines(text: string, lines: Set<number> | undefined, lineMap: Map<number, number>): string {
  if (!lines?.size) return text;
  const shownLines = new Set([...lines].map((l) => lineMap.get(l) ?? l));
  return text
    .split('\n')
    .map((line, i) => {
      if (!shownLines.has(i + 1) || line.includes('…') || commonDropReason(line.trim()) !== null) return line;
      const token = [...line.matchAll(/[A-Za-z0-9_+/=.~-]{16,}/g)].sort((a, b) => b[0].length - a[0].length)[0];
      return token ? line.slice(0, token.index) + mask(token[0]) + line.slice(token.index! + token[0].length) : line;
    })
    .join('\n');
}

/** A fixture is a file, or a folder of files (a compose file and the secret file it names): its files, sorted. */
export function fixtureParts(ruleId: string, fixture: string): string[] {
  const walk = (rel: string): string[] =>
    statSync(join(fixtureDir(ruleId), rel)).isDirectory()
      ? readdirSync(join(fixtureDir(ruleId), rel)).sort().flatMap((f) => walk(`${rel}/${f}`))
      : rel.endsWith('.expect.yaml') ? [] : [rel];
  return walk(fixture);
}

/** docs/rules/<id>.md, generated from the rule file and its fixtures; never hand-edited. */
export async function renderRuleDoc(rule: CompiledRule): Promise<string> {
  const item = CHECKLIST.find((c) => c.id === rule.checklist)!;
  const { pass, fail } = fixtureFiles(rule.id);
  const out: string[] = [
    `<!-- generated by \`npm run docs\` from ${rule.file}${pass.length + fail.length ? ` and fixtures/rules/${rule.id}/` : ''} — do not edit -->`,
    `# ${rule.id}`,
    '',
    `**${rule.title}**`,
    '',
    `Severity: ${rule.severity} · Verdict: ${rule.verdict ?? 'fail'} · Status: ${rule.status ?? 'stable'} · Targets: ${rule.targets.join(', ')} · Checklist: \`${rule.checklist}\` (${item.title})`,
    '',
    ...(rule.passIsEvidence === false ? ['A pass of this rule (nothing found) does not by itself make the checklist item pass.', ''] : []),
    '## Why',
    '',
    rule.rationale.trim(),
    '',
  ];
  for (const f of fail) {
    const parts = fixtureParts(rule.id, f).map((part) => ({ part, shown: stripAnnotations(readFileSync(join(fixtureDir(rule.id), part), 'utf8')) }));
    const { messages: msgs, lines } = await messagesFor(rule, f, new Map(parts.map((p) => [p.part, p.shown.lineMap])));
    for (const { part, shown } of parts) {
      // The plain files of a folder fixture (a secret file named by a compose file) hold nothing but the value.
      const valueFile = rule.checklist === 'key-storage' && part !== f && fence(part) === 'text';
      const reported = valueFile ? new Set(shown.lineMap.keys()) : rule.then?.function === 'secretLiterals' ? lines.get(part) : undefined;
      const text = maskReportedLines(shown.text, reported, shown.lineMap);
      out.push(`## Noncompliant example (\`${part}\`)`, '', '```' + fence(part), text, '```', '');
    }
    if (msgs.length) out.push('Reported:', '', ...msgs.map((m) => `- ${m}`), '');
  }
  for (const f of pass) {
    for (const part of fixtureParts(rule.id, f)) {
      const shown = stripAnnotations(readFileSync(join(fixtureDir(rule.id), part), 'utf8'));
      out.push(`## Compliant example (\`${part}\`)`, '', '```' + fence(part), shown.text, '```', '');
    }
  }
  out.push('## How to fix', '', ...remediationBySource(rule), '');
  if (rule.fn) {
    const props = (rule.fn.options as { properties?: Record<string, { type?: string; description?: string }> }).properties ?? {};
    out.push('## Options', '', `Function \`${rule.fn.name}\`: ${rule.fn.description}`, '');
    for (const [k, v] of Object.entries(props)) out.push(`- \`${k}\` (${v.type ?? 'any'}): ${v.description ?? ''}`);
    out.push('', 'Configured in this rule:', '', '```yaml', JSON.stringify(rule.then?.options ?? {}, null, 2), '```', '');
  }
  out.push(
    '## Suppress',
    '',
    `- Kubernetes: annotation \`ignore.sandcheck.dev/${rule.id}: "<reason>"\` on the object`,
    `- compose: \`x-sandcheck-ignore: { ${rule.id}: "<reason>" }\` on the service`,
    `- Dockerfile, env and firewall files: \`# sandcheck-ignore ${rule.id} -- <reason>\` on the line above`,
    `- sandcheck.yaml: a waiver \`{ rule: ${rule.id}, target: "<glob>", reason: "…", owner: "<who>", expires: YYYY-MM-DD }\``,
    '',
  );
  if (rule.references?.length || rule.aliases?.length) {
    out.push('## References', '');
    for (const r of rule.references ?? []) out.push(`- ${r}`);
    for (const a of rule.aliases ?? []) out.push(`- formerly \`${a}\``);
    out.push('');
  }
  return out.join('\n');
}

/** docs/rules/README.md: the index by checklist item. */
export function renderRuleIndex(rules: CompiledRule[]): string {
  const out = ['<!-- generated by `npm run docs` — do not edit -->', '# Rules', ''];
  for (const item of CHECKLIST) {
    const rs = rules.filter((r) => r.checklist === item.id);
    out.push(`## ${item.id}`, '', item.title, '');
    if (!rs.length) {
      out.push('No rules yet: this item is reported `not-assessed` unless an attestation covers it.', '');
      continue;
    }
    out.push('| Rule | Severity | Verdict | Targets | Title |', '| --- | --- | --- | --- | --- |');
    for (const r of rs) out.push(`| [${r.id}](${r.id}.md) | ${r.severity} | ${r.verdict ?? 'fail'} | ${r.targets.join(', ')} | ${r.title} |`);
    out.push('');
  }
  return out.join('\n');
}

export async function renderAllDocs(rules: CompiledRule[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const r of rules) files.set(`${r.id}.md`, await renderRuleDoc(r));
  files.set('README.md', renderRuleIndex(rules));
  return files;
}
