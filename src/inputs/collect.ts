import { lstatSync, readdirSync, statSync } from 'node:fs';
import { errnoReason } from '../util/errno-reason.js';
import { basename, join, resolve } from 'node:path';
import { CHECKLIST_IDS, type ChecklistId } from '../model/checklist.js';
import type { InputRecord } from '../model/finding.js';
import type { Target } from '../model/target.js';
import { parseYamlFast } from '../util/yaml-fast.js';
import { parseYaml, type YamlFile } from '../util/yaml-source.js';
import { HANDLERS } from './registry.js';
import { textTarget, textfileHandler } from './textfile/handler.js';
import { InputError, type DetailedParseOutput, type InputHandler, type SourceFile } from './types.js';
import { compareText } from '../util/compare.js';
import { mergeComposeOverrides } from './compose/override.js';
import { markHostNamespaceJoins } from './compose/joined-namespaces.js';
import { shareVolumesFrom } from './compose/volumes-from.js';
import { excludedBy, type Exclusion } from './exclude.js';
import { readInput, type InputBytes } from './read-input.js';
import { startManifestSourceScan } from './kubernetes/unrendered.js';
import { pushAll } from '../util/arrays.js';
import { shownPath } from '../util/shown-path.js';

export interface Collected {
  targets: Target<object>[];
  inputs: InputRecord[];
  /** Checklist items for which an input could not be read. */
  inputErrorItems: Set<ChecklistId>;
  /** Parsed inputs of a specific format (not a catch-all handler). Zero means nothing to audit. */
  recognised?: number;
}

const SKIP_DIRS = new Set(['node_modules', '.git', '.hg', '.svn']);
/** Files larger than this are listed as skipped (no configuration file is this large). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
const CONFIG_NAMES = new Set(['sandcheck.yaml', 'sandcheck.yml', '.sandcheck.yaml']);
/** Names of the text formats sandcheck audits: binary content in one of them is an input error. */
const CONFIG_FORMAT_NAME = /(\.(ya?ml|json|env|tf|dockerfile)|^(Dockerfile|Containerfile)(\..*)?|^\.env(\..*)?)$/i;
/** sandcheck.yaml in a walk: scanned as text, for secrets only. */
/** The detail of its input record (`text (…)`); src/config/unused-config.ts warns about such files. */
export const CONFIG_AS_TEXT_DETAIL = 'sandcheck configuration: scanned for secrets only';
const CONFIG_AS_TEXT: InputHandler = { ...textfileHandler, parse: (file) => ({ ...textfileHandler.parse(file), detail: CONFIG_AS_TEXT_DETAIL }) };
const GIT_CRYPT_HEADER = '\0GITCRYPT\0';

/** recognised stays unset: front ends without catch-all inputs (images, live Docker) count every parsed input. */
export function emptyCollected(): Collected {
  return { targets: [], inputs: [], inputErrorItems: new Set() };
}

/** Memoizes a parse, including its failure, so detect() and parse() never parse twice. */
function once(parse: () => YamlFile): () => YamlFile {
  let cached: YamlFile | undefined;
  let failure: unknown;
  return () => {
    if (failure) throw failure;
    if (!cached) {
      try {
        cached = parse();
      } catch (err) {
        failure = err;
        throw err;
      }
    }
    return cached;
  };
}

export function makeSourceFile(path: string, absPath: string | null, text: string): SourceFile {
  return {
    path,
    absPath,
    text,
    yaml: once(() => parseYaml(text, path)),
    fastYaml: once(() => parseYamlFast(text, path)),
  };
}

/** Walks the paths (files, folders recursively, `-` for stdin) and parses every file it recognises. */
export async function collectPaths(
  paths: string[],
  opts: { cwd?: string; stdin?: () => Promise<string>; handlers?: InputHandler[]; /** Left out of folder walks (paths named on the command line are always read). */ exclude?: readonly Exclusion[] } = {},
): Promise<Collected> {
  const cwd = opts.cwd ?? process.cwd();
  // Files can be caught by the generic text handler: only specific formats count as something to audit.
  const out: Collected = { ...emptyCollected(), recognised: 0 };
  const handlers = opts.handlers ?? HANDLERS;
  const walkContext: WalkContext = { cwd, handlers, out, exclude: opts.exclude ?? [], read: new Set() };
  startManifestSourceScan();
  let stdinRead = false;
  for (const p of paths.length ? paths : ['.']) {
    if (p === '-') {
      if (stdinRead) continue; // `scan - -`: standard input is read once
      stdinRead = true;
      const text = await (opts.stdin ?? readStdin)();
      collectFile(makeSourceFile('<stdin>', null, text), handlers, out);
      continue;
    }
    const abs = resolve(cwd, p);
    let st;
    try {
      st = statSync(abs);
    } catch (err) {
      addError(out, { path: p, format: null, status: 'error', error: `${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' && brokenLink(abs) ? 'broken symbolic link (what it points to does not exist)' : errnoReason(err)}` }, null);
      continue;
    }
    if (st.isDirectory()) walk(abs, walkContext);
    else readAndCollect(abs, walkContext, true);
  }
  mergeComposeOverrides(out); // compose.override.yaml into compose.yaml: needs both files parsed
  // `service:` joins of a host namespace and `volumes_from`: need every service of a project.
  markHostNamespaceJoins(out.targets);
  shareVolumesFrom(out.targets);
  return out;
}

interface WalkContext {
  cwd: string;
  handlers: InputHandler[];
  out: Collected;
  exclude: readonly Exclusion[];
  /** Files already read: a path named twice, or a file named beside its folder, is read once. */
  read: Set<string>;
}

function walk(dir: string, ctx: WalkContext): void {
  const { cwd, out, exclude } = ctx;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => compareText(a.name, b.name));
  } catch (err) {
    addError(out, { path: shownPath(dir, cwd), format: null, status: 'error', error: `${shownPath(dir, cwd)}: ${errnoReason(err)}` }, null);
    return;
  }
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory() && SKIP_DIRS.has(e.name)) continue;
    const excluded = exclude.length ? excludedBy(exclude, full) : undefined;
    if (excluded) {
      out.inputs.push({ path: shownPath(full, cwd), format: null, status: 'skipped', reason: `excluded by ${excluded.source} ${excluded.glob}` });
      continue;
    }
    if (e.isDirectory()) walk(full, ctx);
    else if (e.isFile()) readAndCollect(full, ctx, false);
    else if (e.isSymbolicLink()) {
      // Follow links to files only; links to folders could loop.
      try {
        const st = statSync(full);
        if (st.isFile()) readAndCollect(full, ctx, false);
        else skip(full, st.isDirectory() ? 'symbolic link to a folder (not followed)' : `symbolic link to a ${specialKind(st)} (not read)`);
      } catch {
        skip(full, 'broken symbolic link');
      }
    } else skip(full, `${specialKind(e)} (not read)`); // a pipe could block the walk, a device never end
  }

  function skip(path: string, reason: string): void {
    out.inputs.push({ path: shownPath(path, cwd), format: null, status: 'skipped', reason });
  }
}

function specialKind(e: { isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  if (e.isFIFO()) return 'named pipe';
  if (e.isSocket()) return 'socket';
  if (e.isCharacterDevice() || e.isBlockDevice()) return 'device';
  return 'special file';
}

function brokenLink(abs: string): boolean {
  try {
    return lstatSync(abs).isSymbolicLink();
  } catch {
    return false;
  }
}

function readAndCollect(abs: string, ctx: WalkContext, explicit: boolean): void {
  const { cwd, handlers, out } = ctx;
  if (ctx.read.has(abs)) return;
  ctx.read.add(abs);
  const shown = shownPath(abs, cwd);
  // sandcheck.yaml met in a walk is configuration, not an input (it is read with --config or from the
  // working directory); a key pasted into it is still a key in a file, so its text is scanned.
  const config = CONFIG_NAMES.has(basename(abs)) && !explicit;
  let read: InputBytes;
  try {
    read = readInput(abs, MAX_FILE_BYTES);
  } catch (err) {
    addError(out, { path: shown, format: null, status: 'error', error: `${shown}: ${errnoReason(err)}` }, null);
    return;
  }
  if (read.kind === 'too-large') {
    out.inputs.push({ path: shown, format: null, status: 'skipped', reason: `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` });
    return;
  }
  if (read.kind === 'binary') {
    // A file named as a configuration format that holds binary data is a broken input (a bad checkout, a
    // truncated upload), not a file to pass over; an encrypted one says so and is skipped.
    if (read.head === GIT_CRYPT_HEADER) out.inputs.push({ path: shown, format: null, status: 'skipped', reason: 'encrypted with git-crypt' });
    else if (CONFIG_FORMAT_NAME.test(basename(abs))) addError(out, { path: shown, format: null, status: 'error', error: `${shown}: binary content in a file named as a configuration file (corrupt, or encrypted?)` }, null);
    else out.inputs.push({ path: shown, format: null, status: 'skipped', reason: 'binary file' });
    return;
  }
  collectFile(makeSourceFile(shown, abs, read.text), config ? [CONFIG_AS_TEXT] : handlers, out);
}

/** Detects the format and parses; every file ends up in `inputs` as parsed, skipped or error. */
export function collectFile(file: SourceFile, handlers: InputHandler[], out: Collected): void {
  let handler: InputHandler | undefined;
  for (const h of handlers) {
    try {
      if (h.detect(file)) {
        handler = h;
        break;
      }
    } catch (err) {
      // Detection parsed the file and it is broken (e.g. bad YAML in a .yaml file): an error, not a skip.
      addError(out, inputErrorRecord(file, null, err), null);
      scanBrokenFileText(file, out);
      return;
    }
  }
  if (!handler) {
    out.inputs.push({ path: file.path, format: null, status: 'skipped', reason: 'not a recognised format' });
    return;
  }
  try {
    const res = handler.parse(file);
    // The same object can be defined in several files (overlays, dev/ and prod/): ids name the file too.
    for (const t of res.targets) {
      t.id = `${t.id}@${file.path}`;
      if (t.parentId) t.parentId = `${t.parentId}@${file.path}`;
    }
    pushAll(out.targets, res.targets);
    // Every structured file is also scanned as text for provider-format keys (comments, args, labels).
    if (!handler.generic) out.targets.push(companionTextTarget(file, handler.format));
    if (!handler.generic) out.recognised = (out.recognised ?? 0) + 1;
    const rec: InputRecord = { path: file.path, format: (res as DetailedParseOutput).detail ? `${handler.format} (${(res as DetailedParseOutput).detail})` : handler.format, status: 'parsed', targets: res.targets.length };
    if (res.skipped?.length) rec.skippedObjects = res.skipped;
    out.inputs.push(rec);
  } catch (err) {
    addError(out, inputErrorRecord(file, handler.format, err), handler);
    if (!handler.generic) scanBrokenFileText(file, out);
  }
}

/** The audit is incomplete (exit 2), but a key in a broken file is still named: its text is scanned as any text file's. */
function scanBrokenFileText(file: SourceFile, out: Collected): void {
  out.targets.push(companionTextTarget(file, null));
}

/** The text target beside a file's structured targets (or in place of them), with its id in the collector's form (fingerprints depend on it). */
function companionTextTarget(file: SourceFile, parsedAs: string | null): Target<object> {
  return { ...textTarget(file, parsedAs), id: `text:${file.path}@${file.path}` };
}

function inputErrorRecord(file: SourceFile, format: string | null, err: unknown): InputRecord {
  if (err instanceof InputError) return { path: file.path, format, status: 'error', error: err.message, ...(err.line ? { line: err.line } : {}) };
  return { path: file.path, format, status: 'error', error: `${file.path}: cannot be read: ${(err as Error)?.message ?? String(err)}` };
}

function addError(out: Collected, rec: InputRecord, handler: InputHandler | null): void {
  out.inputs.push(rec);
  for (const item of handler ? handler.items : CHECKLIST_IDS) out.inputErrorItems.add(item);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
