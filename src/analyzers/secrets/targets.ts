import type { ConfigMapData, SecretObjectData } from '../../model/secret-object.js';
import type { BuildData } from '../../model/build.js';
import { formatLocation, type Location } from '../../model/location.js';
import { locate, pointerOf, type Target } from '../../model/target.js';
import type { ContainerData } from '../../model/workload.js';
import type { ComposeValueFile } from '../../inputs/compose/types.js';
import { InputError } from '../../inputs/types.js';
import { parseDotenv } from '../../inputs/envfile/parse.js';
import { setEnvfileScanner } from '../../inputs/envfile/handler.js';
import { positionInValue, valueLinesOf, type ValueLines } from '../../inputs/block-scalar.js';
import { setTextScanner } from '../../inputs/textfile/handler.js';
import { classifyPair, offsetIn } from './classify.js';
import { keywordScan, lineOf, scanCandidates, scanText } from './scan-text.js';
import type { DroppedCandidate, ScanOptions, SecretHit } from './types.js';
import type { ImageData } from '../../inputs/image/image-data.js';
import type { LabelDrop, LabelSecret } from '../../inputs/docker/containers.js';
import { hclLiterals, type HclLiteral } from '../../inputs/terraform/hcl.js';
import { embeddedPairs } from './embedded-pairs.js';
import { noteTerraformReads, terraformTemplates, type TerraformTemplate } from './terraform-templates.js';
import type { PairPosition } from './classify.js';

/** A secret found in a target, with where it is. Never carries the value. */
export interface LocatedSecret extends SecretHit {
  /** Pointer into the target's data (for the finding's fingerprint and suppression). */
  pointer: string;
  location: Location;
  /** How the value got there, in words for messages: `env value`, `comment`, `ENV`, `RUN`, `ConfigMap data`… */
  where: string;
}

/** Kinds whose data the detector reads. */
export const SECRET_SOURCE_KINDS = ['container', 'envfile', 'build', 'configmap', 'secret', 'textfile', 'image'] as const;

/** A candidate the false-positive pipeline dropped, with the file it was found in (debug output). */
export interface LocatedDrop extends DroppedCandidate {
  file: string | undefined;
}

type DropListener = (d: LocatedDrop) => void;
let dropListener: DropListener | null = null;

/**
 * Receives every candidate the detector drops from now on (`scan --debug-secrets`); null stops.
 * Set it before the inputs are collected: text files are scanned as they are read.
 */
export function setSecretDropListener(fn: DropListener | null): void {
  dropListener = fn;
}

/** Whether anyone listens for dropped candidates (detectors that run early, in the image reader, collect them only then). */
export function secretDropsWanted(): boolean {
  return dropListener !== null;
}

const cache = new WeakMap<object, LocatedSecret[]>();

/**
 * Text targets are scanned when they are built, and their text is then released (see setTextScanner);
 * keyed by the data object, which the collector's copies of a target share. Drops are kept with the
 * hits and passed on when the hits are used.
 */
const prescanned = new WeakMap<object, LocatedSecret[]>();
const NO_HITS: LocatedSecret[] = Object.freeze([]) as unknown as LocatedSecret[];
const prescannedDrops = new WeakMap<object, LocatedDrop[]>();
function prescan(target: Target<object>): void {
  let drops: LocatedDrop[] | null = null;
  const hits = detect(target, dropListener ? (d) => (drops ??= []).push(d) : null);
  // Most files have no secret: one shared empty list instead of one per file (kept until the rules run).
  prescanned.set(target.data, hits.length > 0 ? hits : NO_HITS);
  if (drops) prescannedDrops.set(target.data, drops);
}
setTextScanner((target) => {
  // An env file's text target reports nothing: its envfile target reads every entry and comment.
  if (target.data.parsedAs === 'envfile') return;
  prescan(target);
  noteTerraformReads(target, target.data.text);
});
// Env files likewise: scanned when built, their parsed values then released (see setEnvfileScanner).
setEnvfileScanner(prescan);

/** The scan of a text or env file target: done when it was built, or now. */
function textHits(target: Target<object>): LocatedSecret[] {
  const early = prescanned.get(target.data);
  if (!early) return detect(target, dropListener);
  if (dropListener) for (const d of prescannedDrops.get(target.data) ?? []) dropListener(d);
  return early;
}

export interface SecretsOfOptions {
  /** Set of file paths named by a compose `env_file:`: such text files are read as dotenv (every tier). */
  envFiles?: ReadonlySet<string>;
  /** Files named by a compose secret/config `file:`: their content is one value, under the name compose gives it. */
  valueFiles?: ReadonlyMap<string, ComposeValueFile>;
  /** Files a Terraform configuration renders or reads (`templatefile()`, `file()`): read as a heredoc's text is. */
  templates?: ReadonlyMap<string, TerraformTemplate>;
}

/** Every secret in one target (computed once per target, shared by every rule that asks). */
export function secretsOf(target: Target<object>, options: SecretsOfOptions = {}): LocatedSecret[] {
  let found = cache.get(target);
  if (!found) {
    const valueFile = target.kind === 'textfile' && target.file ? options.valueFiles?.get(target.file) : undefined;
    const template = target.kind === 'textfile' && target.file && !valueFile ? options.templates?.get(target.file) : undefined;
    found =
      target.kind === 'textfile' && target.file && options.envFiles?.has(target.file)
        ? detectDotenvText(target)
        : valueFile
          ? detectValueFile(target, valueFile)
          : template
            ? detectTemplate(target, template)
            : target.kind === 'textfile' || target.kind === 'envfile'
            ? textHits(target)
            : detect(target, dropListener);
    cache.set(target, found);
  }
  return found;
}

/** What the structured targets of one file cover: the secrets they found, and the lines of every value they read. */
interface Covered {
  fingerprints: Set<string>;
  lines: Set<number>;
}

const structuredByFile = new WeakMap<object, Map<string, Covered>>();

/**
 * Lines of the values a structured target classified, whatever the outcome (reported or dropped): the
 * text scan's named assignments (`ANTHROPIC_*_KEY: <value>`, judged by the name whatever the value)
 * must not judge those values again in the form the text shows (a Secret's `data` value is base64 in
 * the text, so it would get another fingerprint; a placeholder the structure dropped could look like a
 * token in its encoded form). Provider formats found by the text scan on such a line are still reported
 * when the structure did not find the same value (a duplicate YAML key whose first value the parser
 * discards). Filled by detect().
 */
const coveredLines = new WeakMap<object, number[]>();
/** The same for values a target holds from another file (a compose service merged from its override file). */
const coveredElsewhere = new WeakMap<object, Map<string, number[]>>();

/** Detectors that judge a value by its name (named assignments in text), not by its format. */
const BY_NAME = new Set(['anthropic-environment-key', 'anthropic-key-variable', 'generic-secret']);

/**
 * The secrets a rule should report for a target, given the whole scan: a file parsed by a structured
 * handler also has a text target (parsedAs set); that one reports only what the structured targets of
 * the same file did not (a key in a comment, a build arg, a command line), so nothing is reported twice:
 * not a secret the structure found where it read a value (same fingerprint on a line of a value it read,
 * see coveredLines), nor a value judged by its name on such a line. The same key on another line (a
 * container's `args`, an annotation) is reported there too.
 */
export function reportableSecretsOf(target: Target<object>, inventory: { targets: Target<object>[] }): LocatedSecret[] {
  const envFiles = composeEnvFiles(inventory);
  const valueFiles = composeValueFiles(inventory);
  const parsedAs = target.kind === 'textfile' ? (target.data as { parsedAs?: string | null }).parsedAs ?? null : null;
  if (parsedAs === null) return secretsOf(target, { envFiles, valueFiles, templates: terraformTemplates(inventory) });
  if (parsedAs === 'envfile') return []; // the envfile target already reads every entry and comment
  let byFile = structuredByFile.get(inventory);
  if (!byFile) {
    byFile = new Map();
    for (const t of inventory.targets) {
      if (t.kind === 'textfile' || !t.file || !(SECRET_SOURCE_KINDS as readonly string[]).includes(t.kind)) continue;
      const coveredIn = (f: string): Covered => {
        let c = byFile!.get(f);
        if (!c) byFile!.set(f, (c = { fingerprints: new Set(), lines: new Set() }));
        return c;
      };
      const covered = coveredIn(t.file);
      for (const s of secretsOf(t, { envFiles })) {
        // A value of a merged compose service may sit in the override file: it covers that file's text.
        const c = s.location.file && s.location.file !== t.file ? coveredIn(s.location.file) : covered;
        c.fingerprints.add(s.fingerprint);
        if (s.location.line) c.lines.add(s.location.line);
      }
      for (const line of coveredLines.get(t) ?? []) covered.lines.add(line);
      for (const [f, lines] of coveredElsewhere.get(t) ?? []) for (const line of lines) coveredIn(f).lines.add(line);
    }
    structuredByFile.set(inventory, byFile);
  }
  const known = byFile.get(target.file ?? '');
  if (!known) return secretsOf(target, { envFiles });
  let continued: ((line: number) => boolean) | undefined;
  return secretsOf(target, { envFiles }).filter((s) => {
    const line = s.location.line;
    let read = line !== undefined && known.lines.has(line);
    // A value the structure read may go on below the line it is placed at (`value:` then the value, a
    // quoted or plain scalar that wraps, a Dockerfile instruction continued with `\`): its other lines
    // are that one place too. Looked at only for a hit that would be dropped on a read line.
    if (!read && line !== undefined && (known.fingerprints.has(s.fingerprint) || BY_NAME.has(s.detector))) {
      continued ??= continuationOf(target as Target<{ text: string }>, parsedAs, known.lines);
      read = continued(line);
    }
    // The same key elsewhere in the file (a command-line flag, an annotation, a probe header) is another
    // place to clean up: only the place the structure read is not reported twice.
    if (known.fingerprints.has(s.fingerprint) && (read || line === undefined)) return false;
    return !(BY_NAME.has(s.detector) && read);
  });
}

/**
 * Whether a line of a structured file continues a value the structure read on a line above it: in YAML
 * (kubernetes, compose), a line indented further than a read line, with every line between indented
 * further too and no comment line (a plain or quoted scalar's continuation lines, or the value under
 * `key:`); in a Dockerfile, a line of an instruction continued from a read line by its escape character.
 */
function continuationOf(target: Target<{ text: string }>, format: string, read: ReadonlySet<number>): (line: number) => boolean {
  const yaml = format === 'kubernetes' || format === 'compose';
  if (!yaml && format !== 'dockerfile') return () => false;
  const lines = target.data.text.split('\n');
  const indent = (l: string) => l.length - l.trimStart().length;
  if (yaml) {
    return (line) => {
      const own = indent(lines[line - 1] ?? '');
      for (let j = line - 1; j >= 1 && line - j <= 1000; j--) {
        const text = lines[j - 1]!;
        if (text.trim() === '') continue;
        if (text.trimStart().startsWith('#')) return false;
        // The first line above indented less holds the hit: a read value's line, or another key.
        if (indent(text) < own) return read.has(j);
      }
      return false;
    };
  }
  const escape = /^#\s*escape\s*=\s*`/m.test(lines.slice(0, 8).join('\n')) ? '`' : '\\';
  return (line) => {
    for (let j = line - 1; j >= 1 && line - j <= 1000; j--) {
      if (!lines[j - 1]!.trimEnd().endsWith(escape)) return false;
      if (read.has(j)) return true;
    }
    return false;
  };
}

const envFileSets = new WeakMap<object, Set<string>>();

/** Files named by compose `env_file:` in this scan (by display path). */
export function composeEnvFiles(inventory: { targets: Target<object>[] }): Set<string> {
  let set = envFileSets.get(inventory);
  if (!set) {
    set = new Set();
    for (const t of inventory.targets) {
      if (t.kind !== 'container') continue;
      for (const ref of (t.data as { envFiles?: { file?: string }[] }).envFiles ?? []) if (ref.file) set.add(ref.file);
    }
    envFileSets.set(inventory, set);
  }
  return set;
}

const valueFileMaps = new WeakMap<object, Map<string, ComposeValueFile>>();

/** Files named by compose `secrets:`/`configs:` `file:` in this scan (by display path); see src/inputs/compose/handler.ts. */
export function composeValueFiles(inventory: { targets: Target<object>[] }): Map<string, ComposeValueFile> {
  let map = valueFileMaps.get(inventory);
  if (!map) {
    map = new Map();
    for (const t of inventory.targets) {
      if (t.kind !== 'envfile' || t.platform !== 'compose') continue;
      for (const ref of (t.data as { valueFiles?: ComposeValueFile[] }).valueFiles ?? []) if (!map.has(ref.file)) map.set(ref.file, ref);
    }
    valueFileMaps.set(inventory, map);
  }
  return map;
}

/**
 * A file named by a compose secret/config `file:` holds one value: a key in a file is still a key in a
 * file. It gets the text scan, plus the named tiers under the name compose gives it (the environment
 * key by `ANTHROPIC_ENVIRONMENT_KEY_FILE` or the object's name, `*_password`, …).
 */
function detectValueFile(target: Target<object>, ref: ComposeValueFile): LocatedSecret[] {
  const where = `file of compose ${ref.kind} ${ref.object}, named at ${ref.namedAt}`;
  const text = textHits(target).map((s) => ({ ...s, name: s.name ?? ref.name, where }));
  const named = classifyPair(ref.name, (target.data as { text: string }).text, { line: 1, column: 1 }, dropsIn(target.file, dropListener)).filter((h) => !text.some((s) => s.fingerprint === h.fingerprint));
  return [...text, ...named.map((h) => ({ ...h, pointer: '', where, location: at(target.file, h.line, h.column, '') }))];
}

/**
 * A file Terraform renders into a value (`user_data = templatefile("user-data.sh.tpl", …)`): a script or a
 * config file, as an inline heredoc would be. The text scan, plus its assignments judged by name and value
 * as a heredoc's are (`export DB_PASSWORD=…`), once per line.
 */
function detectTemplate(target: Target<object>, ref: TerraformTemplate): LocatedSecret[] {
  const text = (target.data as { text: string }).text;
  const out = [...textHits(target)];
  const where = `template read by ${ref.usedAt}`;
  const drops = dropsIn(target.file, dropListener);
  for (const p of embeddedPairs(text)) {
    const line = lineOf(text, p.offset);
    if (out.some((s) => s.location.line === line)) continue;
    const column = p.offset - text.lastIndexOf('\n', p.offset - 1);
    for (const h of classifyPair(p.name, p.value, { line, column }, drops)) out.push({ ...h, name: h.name === undefined ? undefined : ownName(h.name), pointer: '', where, location: at(target.file, h.line, h.column, '') });
  }
  return out;
}

/** A compose env_file with a name the dotenv handler does not claim (`worker.vars`): dotenv tiers, falling back to text. */
function detectDotenvText(target: Target<object>): LocatedSecret[] {
  const text = (target.data as { text: string }).text;
  let parsed;
  try {
    parsed = parseDotenv(text, target.file!);
  } catch (err) {
    if (err instanceof InputError) return textHits(target);
    throw err;
  }
  const asEnvfile = { ...target, kind: 'envfile' as const, data: parsed };
  return detect(asEnvfile, dropListener).map((s) => ({ ...s, pointer: '', location: { ...s.location, pointer: '' } }));
}

/** `ANTHROPIC_*_KEY=value` written as a shell/properties assignment inside free text (RUN lines, scripts); the name may be quoted (JSON `"NAME": "v"`, `environ["NAME"] = "v"`). */
const NAMED_ASSIGNMENT = /\b((?:ANTHROPIC_(?:ENVIRONMENT_|API_|ADMIN_)?KEY|CLAUDE_API_KEY))["']?\]?\s*[=:]\s*("[^"\n]*"|'[^'\n]*'|[^\s"';&|]+)/g;

/**
 * Free text has no structure to say what is a value: `KEY = process.env.KEY`, `KEY: the key from the
 * Console`. Only token-shaped values (no spaces, dots, brackets; a digit somewhere) count here.
 */
const TOKEN_SHAPED = /^(?=[^\d]*\d)[A-Za-z0-9_\-+/=]{12,}$/;

/** `from`: where the first name occurs (keywordScan().named), -1 for none; by default searched here. */
function namedAssignments(text: string, from = Math.min(...[text.indexOf('ANTHROPIC_'), text.indexOf('CLAUDE_')].map((i) => (i === -1 ? Infinity : i)))): { name: string; value: string; line: number; column: number }[] {
  if (from === -1 || from === Infinity) return [];
  const out: { name: string; value: string; line: number; column: number }[] = [];
  // `\b` before the name: start one character early.
  NAMED_ASSIGNMENT.lastIndex = Math.max(0, from - 1);
  for (let m = NAMED_ASSIGNMENT.exec(text); m; m = NAMED_ASSIGNMENT.exec(text)) {
    let value = m[2]!;
    if (/^["']/.test(value)) value = value.slice(1, -1);
    if (!TOKEN_SHAPED.test(value)) continue;
    out.push({ name: m[1]!, value, line: lineOf(text, m.index), column: m.index - text.lastIndexOf('\n', m.index - 1) });
  }
  return out;
}

const TERRAFORM_FILE = /\.(tf|tfvars)$/i;

/** `name` and `value` attributes of one object or block, the name an identifier: the (name, value) literal pairs. */
function nameValueGroups(literals: HclLiteral[]): [HclLiteral, HclLiteral][] {
  const byGroup = new Map<number, { name?: HclLiteral; value?: HclLiteral }>();
  for (const a of literals) {
    if (a.group === undefined || (a.name !== 'name' && a.name !== 'value')) continue;
    const g = byGroup.get(a.group) ?? {};
    g[a.name] = a;
    byGroup.set(a.group, g);
  }
  const out: [HclLiteral, HclLiteral][] = [];
  for (const { name, value } of byGroup.values()) {
    if (!name || !value) continue;
    // A parameter path (`aws_ssm_parameter` `name = "/prod/db/password"`) is named by its last segment.
    const last = name.value.slice(name.value.lastIndexOf('/') + 1);
    if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(last)) out.push([{ ...name, value: last }, value]);
  }
  return out;
}

function at(file: string | undefined, line: number, column: number, pointer: string): Location {
  return { file, line, column, pointer };
}

/** A listener that passes each (line, detector, fingerprint) on once. */
function onceEach(onDrop: DropListener): DropListener {
  const seen = new Set<string>();
  return (d) => {
    const key = `${d.line}\0${d.detector}\0${d.fingerprint}`;
    if (seen.has(key)) return;
    seen.add(key);
    onDrop(d);
  };
}

/** Scan options passing drops on with the file; `offset` moves the lines of a scanned fragment (a comment, a RUN line) to the file's. */
function dropsIn(file: string | undefined, onDrop: DropListener | null, offset = 0): ScanOptions {
  return onDrop ? { onDrop: (d) => onDrop({ ...d, line: d.line + offset, file }) } : NO_OPTIONS;
}

const NO_OPTIONS: ScanOptions = Object.freeze({});

const NAMES = new Map<string, string>();

/**
 * A hit's name as its own string. A name cut from a file's text is a slice that keeps the whole text
 * alive, and hits are kept until the rules run; names repeat (`DB_PASSWORD`), so one copy each.
 */
function ownName(name: string): string {
  let own = NAMES.get(name);
  if (own === undefined) {
    own = Buffer.from(name, 'utf8').toString('utf8');
    if (NAMES.size < 10_000) NAMES.set(own, own);
  }
  return own;
}

function detect(target: Target<object>, onDrop: DropListener | null): LocatedSecret[] {
  const out: LocatedSecret[] = [];
  const push = (hits: SecretHit[], pointer: string, where: string, locationOf: (h: SecretHit) => Location) => {
    // Written out, not spread: hits with and without a name would give the copies many shapes.
    for (const h of hits) {
      out.push({ detector: h.detector, title: h.title, severity: h.severity, confidence: h.confidence, fingerprint: h.fingerprint, name: h.name === undefined ? undefined : ownName(h.name), line: h.line, column: h.column, pointer, where, location: locationOf(h) });
    }
  };
  const file = target.file;
  const dropsAt = (offset = 0) => dropsIn(file, onDrop, offset);
  let covered: number[] | null = null;
  let elsewhere: Map<string, number[]> | null = null;
  /**
   * Lines `from`…(the value's last line), plus `also` (the key's line when the value starts below it).
   * `inFile`: the value was written in another file than the target's (a compose service merged from
   * compose.override.yaml), whose text target must skip those lines instead.
   */
  const cover = (from: number | undefined, value: string | null | undefined, also?: number, lines?: ValueLines, inFile?: string) => {
    if (from === undefined || value === null || value === undefined) return;
    let list: number[];
    if (inFile !== undefined && inFile !== file) {
      elsewhere ??= new Map();
      list = elsewhere.get(inFile) ?? [];
      elsewhere.set(inFile, list);
    } else list = covered ??= [];
    if (also !== undefined && also !== from) list.push(also);
    if (lines) {
      for (let i = 1; i < lines.length; i += 3) list.push(lines[i]!);
      return;
    }
    const trimmed = value.trimEnd();
    list.push(from);
    for (let i = trimmed.indexOf('\n'), line = from + 1; i !== -1; i = trimmed.indexOf('\n', i + 1), line++) list.push(line);
  };
  switch (target.kind) {
    case 'container': {
      // compose `build.args` have the shape of env entries.
      const data = target.data as ContainerData & { buildArgs?: ContainerData['env'] };
      for (const [field, where] of [['env', 'env value'], ['buildArgs', 'build arg']] as const) {
        (data[field] ?? []).forEach((e, i) => {
          if (e.value === null || e.valueFrom) return;
          const pointer = pointerOf(field, i, 'value');
          const loc = locate(target, pointer);
          const lines = valueLinesOf(e);
          cover(loc.line, e.value, locate(target, pointerOf(field, i)).line, lines, loc.file);
          // A live container has no file: its drops are placed as its findings are (`docker://container/x (Config.Env NAME)`), without a line.
          const drops = file === undefined && onDrop ? { onDrop: (d: DroppedCandidate) => onDrop({ ...d, line: 0, file: formatLocation(d.name === undefined ? { ...loc, detail: undefined } : loc) }) } : dropsAt();
          const hits = classifyPair(e.name, e.value, { line: loc.line ?? 1, column: loc.column ?? 1, lines }, drops);
          push(hits, pointer, where, (h) => {
            // A key written as the name (no name on the hit) is placed at the entry, where its name is written;
            // the source pointer and a live container's detail hold the name, so they are left out.
            if (h.name === undefined) return { ...locate(target, pointerOf(field, i)), pointer: undefined, detail: undefined };
            return loc.line ? { ...loc, line: h.line, column: h.column } : loc;
          });
        });
      }
      // A live container's labels were read by the docker input, which keeps no secret in its targets
      // (see LabelSecret in src/inputs/docker/containers.ts): its findings are placed like its env's.
      const labelled = target.data as { labelSecrets?: LabelSecret[]; labelDrops?: LabelDrop[] };
      (labelled.labelSecrets ?? []).forEach((h, i) => {
        const pointer = pointerOf('labelSecrets', i);
        out.push({ detector: h.detector, title: h.title, severity: h.severity, confidence: h.confidence, fingerprint: h.fingerprint, name: h.name, line: 1, column: 1, pointer, where: h.name === undefined ? 'label name' : 'label', location: locate(target, pointer) });
      });
      if (onDrop) {
        const uri = target.uri;
        for (const d of labelled.labelDrops ?? []) onDrop({ detector: d.detector, reason: d.reason as LocatedDrop['reason'], fingerprint: d.fingerprint, line: 0, ...(d.name ? { name: d.name } : {}), file: formatLocation({ uri, detail: d.name === undefined ? 'Config.Labels' : `Config.Labels ${d.name}` }) });
      }
      break;
    }
    case 'envfile': {
      const data = target.data as { entries: { name: string; value: string | null; line: number; column: number }[]; comments: { text: string; line: number; column: number }[] };
      // Only a compose file's entries share their file with a text target that must skip their lines.
      const shared = target.platform === 'compose';
      data.entries.forEach((e, i) => {
        // Compose config `content:` given as a YAML block scalar has its lines recorded.
        const lines = valueLinesOf(e);
        if (shared) cover(e.line, e.value, undefined, lines);
        const hits = classifyPair(e.name, e.value, { line: e.line, column: e.column, lines }, dropsAt());
        if (hits.length === 0) return;
        const pointer = pointerOf('entries', i, 'value');
        push(hits, pointer, 'value', (h) => at(file, h.line, h.column, pointer));
      });
      data.comments.forEach((c, i) => {
        const hits = scanText(c.text, dropsAt(c.line - 1));
        if (hits.length === 0) return;
        const pointer = pointerOf('comments', i);
        push(hits, pointer, 'comment', (h) => at(file, c.line, c.column + h.column - 1, pointer));
      });
      break;
    }
    case 'build': {
      const data = target.data as BuildData;
      const vars = (list: BuildData['env'], field: 'env' | 'args', where: string) =>
        list.forEach((v, i) => {
          const pointer = pointerOf(field, i);
          const loc = locate(target, pointer);
          cover(v.line, v.value);
          const hits = classifyPair(v.name, v.value, { line: v.line, column: loc.column ?? 1 }, dropsAt());
          push(hits, pointer, where, (h) => at(file, h.line, h.column, pointer));
        });
      vars(data.env, 'env', 'ENV');
      vars(data.args, 'args', 'ARG default');
      data.runs.forEach((r, i) => {
        const pointer = pointerOf('runs', i);
        push(scanText(r.command, dropsAt(r.line - 1)), pointer, 'RUN', (h) => at(file, r.line + h.line - 1, h.column, pointer));
        for (const a of namedAssignments(r.command)) {
          push(classifyPair(a.name, a.value, { line: r.line + a.line - 1, column: a.column }, dropsAt()), pointer, 'RUN', (h) => at(file, h.line, h.column, pointer));
        }
      });
      break;
    }
    case 'configmap':
    case 'secret': {
      const data = target.data as ConfigMapData | SecretObjectData;
      if ('sops' in data && data.sops) break;
      if ('objectKind' in data && data.objectKind !== 'Secret') break;
      const where = target.kind === 'configmap' ? 'ConfigMap data' : 'Secret data';
      data.entries.forEach((e, i) => {
        const pointer = pointerOf('entries', i, 'value');
        const loc = locate(target, pointer);
        // A `data` value was base64: lines inside the decoded value are not lines of the file.
        const decoded = 'field' in e && e.field === 'data';
        const lines = decoded ? undefined : valueLinesOf(e);
        cover(loc.line, decoded ? '' : e.value, locate(target, pointerOf('entries', i)).line, lines);
        let hits = classifyPair(e.key, e.value, { line: loc.line ?? 1, column: loc.column ?? 1, lines }, dropsAt());
        // A value that is itself a dotenv, properties or JSON file (`settings.env: |`, or on one line) names
        // its keys: `ANTHROPIC_ENVIRONMENT_KEY=…` inside it is that key, reported under its own name and rule.
        if (e.value !== null) {
          for (const a of namedAssignments(e.value)) {
            const offset = offsetIn(e.value, a.line, a.column);
            const pos = lines && !decoded ? positionInValue(lines, offset) : { line: loc.line ?? 1, column: loc.column ?? 1 };
            const named = classifyPair(a.name, a.value, pos, dropsAt());
            hits = [...hits.filter((h) => !named.some((n) => n.fingerprint === h.fingerprint)), ...named];
          }
        }
        push(hits, pointer, where, (h) => (decoded ? loc : { ...loc, line: h.line, column: h.column }));
      });
      break;
    }
    case 'textfile': {
      const text = (target.data as { text: string }).text;
      // One candidate may be judged up to four times here (the text scan, the Terraform attribute, the
      // assignment inside its heredoc by name and by format): --debug-secrets lists it once per detector.
      const once = onDrop ? onceEach(onDrop) : null;
      const dropsAt = () => dropsIn(file, once);
      const keywords = keywordScan(text);
      push(scanCandidates(text, keywords.rules, dropsAt()), '', 'text', (h) => at(file, h.line, h.column, ''));
      for (const a of namedAssignments(text, keywords.named)) {
        if (out.some((s) => s.location.line === a.line)) continue;
        push(classifyPair(a.name, a.value, { line: a.line, column: a.column }, dropsAt()), '', 'text', (h) => at(file, h.line, h.column, ''));
      }
      // Terraform gives names and values (`password = "…"` in a resource, a module call, a .tfvars):
      // they are judged as pairs, by name and value, as the env and manifest formats' are.
      if (file && TERRAFORM_FILE.test(file)) {
        const found = (line: number, last = line) => out.some((s) => s.location.line !== undefined && s.location.line >= line && s.location.line <= last);
        const pairAt = (name: string, value: string, pos: PairPosition, where = 'text') => {
          if (found(pos.line)) return;
          push(classifyPair(name, value, pos, dropsAt()), '', where, (h) => at(file, h.line, h.column, ''));
        };
        const literals = hclLiterals(text, file);
        for (const a of literals) {
          // Something the text scan found in the value (on any of a heredoc's lines) is reported once, by the text scan.
          const last = a.lines ? a.lines[a.lines.length - 2]! : a.line;
          if (!found(a.line, last)) push(classifyPair(a.name, a.value, { line: a.line, column: a.column, ...(a.lines ? { lines: a.lines } : {}) }, dropsAt()), '', 'text', (h) => at(file, h.line, h.column, ''));
          // A heredoc (or a string with line breaks) holding a script or a config file: its own assignments,
          // judged as an env file's would be (`export DB_PASSWORD=…` in user_data, ECS `environment` JSON).
          if (a.lines || a.value.includes('\n')) {
            const where = `${a.lines ? 'heredoc' : 'string'} ${a.name}`;
            for (const p of embeddedPairs(a.value)) pairAt(p.name, p.value, a.lines ? positionInValue(a.lines, p.offset) : { line: a.line, column: a.column }, where);
          }
        }
        // `env { name = "DB_PASSWORD" value = "…" }`, `{ name = "X", value = "…" }` in jsonencode(): the value under the name.
        for (const [name, value] of nameValueGroups(literals)) pairAt(name.value, value.value, { line: value.line, column: value.column, ...(value.lines ? { lines: value.lines } : {}) });
      }
      break;
    }
    case 'image': {
      // The image normalizer already ran the detectors (inputs cannot import analyzers); reuse its results.
      // (Its dropped candidates are in data.secretDrops: `image --debug-secrets` prints them, see src/cli/debug-secrets.ts.)
      const data = target.data as ImageData;
      for (const part of ['env', 'history', 'files'] as const) {
        (data.secrets?.[part] ?? []).forEach((s, i) => {
          const pointer = pointerOf('secrets', part, i);
          out.push({
            detector: s.detector,
            title: s.detector,
            severity: 'high',
            confidence: s.confidence === 'medium' ? 'medium' : 'high',
            fingerprint: s.fingerprint,
            name: s.name,
            line: s.line ?? 0,
            column: 0,
            pointer,
            where: s.where,
            location: locate(target, pointer),
          });
        });
      }
      break;
    }
    default:
      break;
  }
  if (covered) coveredLines.set(target, covered);
  if (elsewhere) coveredElsewhere.set(target, elsewhere);
  return out;
}
