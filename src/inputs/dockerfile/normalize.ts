import type { Add, Copy, From, Instruction, Property } from 'dockerfile-ast';
import type { BuildAdd, BuildCopy, BuildData, BuildFrom, BuildRun, BuildStage, BuildUser, BuildVariable } from '../../model/build.js';
import { parseImageRef } from '../../util/image-ref.js';
import { vendor } from '../../util/vendor.js';
import { InputError } from '../types.js';
import { findDownloadPipe } from './shell-pipe.js';
import { ExpansionTooLong, expand, type Scope } from './variables.js';

const KEYWORDS = new Set(['ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR']);

export interface NormalizedBuild {
  data: BuildData;
  /** data pointer → 1-based line (and column) of the instruction */
  lines: Map<string, { line: number; column: number }>;
}

const lineOf = (i: Instruction) => i.getRange().start.line + 1;
const columnOf = (i: Instruction) => i.getRange().start.character + 1;

/**
 * Reads one Dockerfile. Build arguments take their defaults (what `docker build` without --build-arg
 * does); anything left unresolved is marked so, never guessed.
 */
export function normalizeDockerfile(text: string, file: string): NormalizedBuild {
  if (text.includes('\u0000')) throw new InputError(file, 'not a text file (contains NUL bytes)');
  const df = vendor('dockerfile-ast').DockerfileParser.parse(text);
  const escape = df.getEscapeCharacter();
  const instructions = df.getInstructions();
  const lines = new Map<string, { line: number; column: number }>();
  const at = (pointer: string, i: Instruction) => lines.set(pointer, { line: lineOf(i), column: columnOf(i) });
  let textLines: string[] | undefined;

  const data: BuildData = {
    stages: [],
    finalStage: -1,
    finalUser: noUser(),
    env: [],
    args: [],
    adds: [],
    copies: [],
    runs: [],
  };
  const globalArgs: Scope = new Map();
  const stageScopes: Scope[] = [];
  const lastUser: (Instruction | null)[] = [];
  let scope: Scope = globalArgs;
  let stage = -1;

  for (const ins of instructions) {
    const keyword = ins.getKeyword();
    const line = lineOf(ins);
    if (!KEYWORDS.has(keyword)) throw new InputError(file, `unknown instruction '${ins.getInstruction()}'`, line, columnOf(ins));
    if (stage < 0 && keyword !== 'ARG' && keyword !== 'FROM') {
      throw new InputError(file, `${keyword} before the first FROM (only ARG may come first)`, line, columnOf(ins));
    }
    try {
      readInstruction(ins, keyword, line);
    } catch (err) {
      if (err instanceof ExpansionTooLong) throw new InputError(file, `${keyword}: ${err.message}`, line, columnOf(ins));
      throw err;
    }
  }
  function readInstruction(ins: Instruction, keyword: string, line: number): void {
    switch (keyword) {
      case 'FROM': {
        stage++;
        const s = readFrom(ins as From, stage, data.stages, globalArgs, escape, file);
        data.stages.push(s);
        // A stage built FROM an earlier stage inherits its ENV; global ARGs are visible only once re-declared.
        scope = new Map(s.from.stageIndex !== null ? envOnly(stageScopes[s.from.stageIndex]!) : []);
        stageScopes.push(scope);
        lastUser.push(null);
        at(`/stages/${stage}`, ins);
        at(`/stages/${stage}/from`, ins);
        break;
      }
      case 'ARG':
        for (const p of properties(ins)) {
          const declared = p.getValue();
          const value = declared === null ? (stage >= 0 ? (globalArgs.get(p.getName()) ?? null) : null) : expand(declared, scope, escape).value;
          if (!(stage >= 0 && scope.has(p.getName()) && value === null)) scope.set(p.getName(), value);
          at(`/args/${data.args.length}`, ins);
          data.args.push({ name: p.getName(), value: declared === null ? null : value, line, stage: stage < 0 ? null : stage });
        }
        break;
      case 'ENV':
        for (const p of properties(ins)) {
          const value = expand(p.getValue() ?? '', scope, escape).value;
          scope.set(p.getName(), value);
          (scope as Scope & { env?: Set<string> }).env ??= new Set();
          (scope as Scope & { env?: Set<string> }).env!.add(p.getName());
          at(`/env/${data.env.length}`, ins);
          data.env.push({ name: p.getName(), value, line, stage });
        }
        break;
      case 'USER':
        lastUser[stage] = ins;
        break;
      case 'ADD':
        at(`/adds/${data.adds.length}`, ins);
        data.adds.push(readAdd(ins as Add, stage, scope, escape));
        break;
      case 'COPY':
        at(`/copies/${data.copies.length}`, ins);
        at(`/copies/${data.copies.length}/image`, ins);
        data.copies.push(readCopy(ins as Copy, stage, data.stages, globalArgs, escape));
        break;
      case 'RUN': {
        at(`/runs/${data.runs.length}`, ins);
        const { run, pipeEnd } = readRun(ins, stage, escape);
        // In a heredoc script the finding points at the line that completes the unverified download.
        const offending = pipeEnd !== null ? offendingLine(run.command, pipeEnd, (textLines ??= text.split(/\r?\n/)), run.line, run.endLine) : null;
        if (offending !== null) lines.set(`/runs/${data.runs.length}/pipesDownloadToShell`, { line: offending, column: 1 });
        data.runs.push(run);
        break;
      }
    }
  }
  if (data.stages.length === 0) throw new InputError(file, 'no FROM instruction: not a buildable Dockerfile');

  data.finalStage = data.stages.length - 1;
  const finalFrom = instructions.filter((i) => i.getKeyword() === 'FROM')[data.finalStage]!;
  lines.set('', { line: lineOf(finalFrom), column: columnOf(finalFrom) });
  lines.set('/finalStage', { line: lineOf(finalFrom), column: columnOf(finalFrom) });
  try {
    data.finalUser = effectiveUser(data, lastUser, stageScopes, escape);
  } catch (err) {
    const user = [...lastUser].reverse().find((u) => u !== null);
    if (err instanceof ExpansionTooLong) throw new InputError(file, `USER: ${err.message}`, user ? lineOf(user) : undefined, user ? columnOf(user) : undefined);
    throw err;
  }
  const userLine = data.finalUser.line ?? lineOf(finalFrom);
  lines.set('/finalUser', { line: userLine, column: data.finalUser.line ? columnOf(lastUser[data.finalUser.stage!]!) : columnOf(finalFrom) });
  return { data, lines };
}

function envOnly(scope: Scope): [string, string | null][] {
  const env = (scope as Scope & { env?: Set<string> }).env ?? new Set<string>();
  return [...scope].filter(([k]) => env.has(k));
}

function properties(ins: Instruction): Property[] {
  return (ins as unknown as { getProperties(): Property[] }).getProperties();
}

function readFrom(ins: From, index: number, earlier: BuildStage[], globalArgs: Scope, escape: string, file: string): BuildStage {
  const written = ins.getImage();
  if (!written) throw new InputError(file, 'FROM without an image', lineOf(ins), columnOf(ins));
  const name = ins.getBuildStage()?.toLowerCase() ?? null;
  if (name && earlier.some((s) => s.name === name)) throw new InputError(file, `duplicate stage name '${name}'`, lineOf(ins), columnOf(ins));
  const { value, unresolved } = expand(written, globalArgs, escape);
  const parent = earlier.find((s) => s.name !== null && s.name === value.toLowerCase());
  const scratch = value.toLowerCase() === 'scratch';
  const ref = parseImageRef(value);
  const from: BuildFrom = {
    ...ref,
    instruction: 'FROM',
    written,
    stage: parent !== undefined,
    stageIndex: parent?.index ?? null,
    scratch,
    unresolved: unresolved.length > 0,
    platform: ins.getPlatformFlag()?.getValue() ?? null,
    pinning: pinning(ref, unresolved, parent !== undefined, scratch),
  };
  if (from.stage || scratch) Object.assign(from, { latest: false });
  return { index, name, from, line: lineOf(ins) };
}

function pinning(ref: ReturnType<typeof parseImageRef>, unresolved: string[], stage: boolean, scratch: boolean): string {
  if (stage) return 'an earlier build stage';
  if (scratch) return 'the empty scratch image';
  if (ref.pinned) return 'pinned by digest';
  if (unresolved.length) return `it depends on build argument ${unresolved.join(', ')} with no default, so the image cannot be verified`;
  if (ref.tag === null) return 'it has no tag, which means latest, and latest moves';
  if (ref.tag === 'latest') return 'the tag latest moves to a new image with every release';
  return `tag ${ref.tag} can be re-pointed to a different image; pin it with @sha256:…`;
}

const REMOTE = /^(https?|git|ssh):\/\/|^git@[^:]+:/i;

function remoteHost(src: string): string {
  const scp = /^git@([^:]+):/.exec(src);
  if (scp) return scp[1]!;
  try {
    return new URL(src).hostname;
  } catch {
    return '(unparsed URL)';
  }
}

function pathArgs(ins: Add | Copy): string[] {
  const raw = ins.getRawArgumentsContent() ?? '';
  const afterFlags = raw.replace(/^\s*(--\S+\s+)*/, '');
  if (afterFlags.trim().startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(afterFlags.replace(/\\\r?\n/g, ''));
      if (Array.isArray(arr)) return arr.map(String);
    } catch {
      // Docker falls back to the shell form for invalid JSON.
    }
  }
  return ins.getArguments().map((a) => a.getValue());
}

function readAdd(ins: Add, stage: number, scope: Scope, escape: string): BuildAdd {
  const args = pathArgs(ins);
  const sources = args.slice(0, -1);
  // Docker expands ARG and ENV values in ADD sources: `ARG URL=https://…` then `ADD $URL /opt/` downloads.
  const remote = sources.map((s) => expand(s, scope, escape).value).filter((s) => REMOTE.test(s));
  const checksum = ins.getFlags().find((f) => f.getName() === 'checksum')?.getValue() ?? null;
  return {
    sources,
    destination: args.length > 1 ? args[args.length - 1]! : null,
    remote: remote.length > 0,
    remoteHosts: [...new Set(remote.map(remoteHost))],
    // BuildKit expands variables in --checksum too (moby/buildkit#3287).
    checksum: checksum === null ? null : expand(checksum, scope, escape).value,
    line: lineOf(ins),
    stage,
  };
}

function readCopy(ins: Copy, stage: number, stages: BuildStage[], globalArgs: Scope, escape: string): BuildCopy {
  const args = pathArgs(ins);
  const from = ins.getFromFlag()?.getValue() ?? null;
  let fromStage: number | null = null;
  let image: BuildCopy['image'] = null;
  if (from !== null) {
    const byName = stages.find((s) => s.name === from.toLowerCase());
    fromStage = byName ? byName.index : /^\d+$/.test(from) ? Number(from) : null;
    if (fromStage === null) {
      // Only global ARGs are expanded in --from (as BuildKit does for FROM); a stage ARG is not in scope here.
      const { value, unresolved } = expand(from, globalArgs, escape);
      const named = stages.find((s) => s.name === value.toLowerCase());
      if (named) fromStage = named.index;
      else {
        const ref = parseImageRef(value);
        image = { ...ref, instruction: 'COPY --from', written: from, unresolved: unresolved.length > 0, pinning: pinning(ref, unresolved, false, false) };
      }
    }
  }
  return { sources: args.slice(0, -1), destination: args.length > 1 ? args[args.length - 1]! : null, from, fromStage, image, line: lineOf(ins), stage };
}

/**
 * The shell text of a RUN: JSON form as its `sh -c` string (or words), shell form with continuations
 * joined, heredoc bodies appended when the heredoc is run by a shell.
 */
export function runScript(ins: Instruction, escape: string): string {
  const raw = (ins.getRawArgumentsContent() ?? '').replace(/\r\n/g, '\n');
  const body = raw.replace(/^\s*(--\S+\s+)*/, '');
  if (body.trim().startsWith('[')) {
    try {
      const arr: unknown = JSON.parse(body.split(escape + '\n').join(''));
      if (Array.isArray(arr)) {
        const words = arr.map(String);
        const c = words.findIndex((w) => /^-[A-Za-z]*c$/.test(w));
        return c > 0 && c + 1 < words.length ? words[c + 1]! : words.map((w) => (/\s/.test(w) ? `'${w}'` : w)).join(' ');
      }
    } catch {
      // not JSON: the shell form
    }
  }
  const heredocs = (ins as unknown as { getHeredocs?: () => { getName(): string }[] }).getHeredocs?.() ?? [];
  const rawLines = body.split('\n');
  // First logical line: join continuations (dropping comment lines inside them, as Docker does).
  let first = '';
  let k = 0;
  for (; k < rawLines.length; k++) {
    const l = rawLines[k]!;
    if (k > 0 && l.trim().startsWith('#')) continue;
    if (l.trimEnd().endsWith(escape) && !(heredocs.length && k === 0 && /<<-?\s*["']?\w+/.test(l))) {
      first += l.trimEnd().slice(0, -1) + ' ';
      continue;
    }
    first += l;
    k++;
    break;
  }
  if (heredocs.length === 0) return [first, ...rawLines.slice(k)].join('\n');
  const command = first.replace(/<<-?\s*(["']?)(\w+)\1/g, ' ').trim();
  const shellRun = command === '' || /^(\S*\/)?(sh|bash|zsh|dash|ash|ksh)\b/.test(command);
  const bodies: string[] = [];
  let current: string[] = [];
  let idx = 0;
  for (const l of rawLines.slice(k)) {
    const name = heredocs[idx]?.getName();
    if (name !== undefined && l.replace(/^\t+/, '') === name) {
      bodies.push(current.join('\n'));
      current = [];
      idx++;
      continue;
    }
    current.push(l);
  }
  if (current.length) bodies.push(current.join('\n'));
  return shellRun ? [command, ...bodies].join('\n') : command;
}

/**
 * The file line of the script line where the unverified download is completed (`end`, from
 * findDownloadPipe), when that line is a heredoc body line of this RUN; null otherwise (the finding then
 * stays at the RUN line). Body lines are copied verbatim from the file, in order, so they are matched
 * to file lines in order (an earlier identical line is not taken).
 */
function offendingLine(script: string, end: number, fileLines: string[], runLine: number, endLine: number): number | null {
  const scriptLines = script.split('\n');
  let j = 0;
  for (let at = script.indexOf('\n'); at !== -1 && at < end; at = script.indexOf('\n', at + 1)) j++;
  if (j === 0) return null; // on the RUN line itself
  let l = runLine;
  for (let k = 1; k <= j; k++) {
    do l++;
    while (l <= endLine && l <= fileLines.length && fileLines[l - 1] !== scriptLines[k]);
    if (l > endLine || l > fileLines.length) return null;
  }
  return l;
}

function readRun(ins: Instruction, stage: number, escape: string): { run: BuildRun; pipeEnd: number | null } {
  const command = runScript(ins, escape);
  const pipe = findDownloadPipe(command);
  const run: BuildRun = {
    command,
    line: lineOf(ins),
    endLine: ins.getRange().end.line + 1,
    stage,
    pipesDownloadToShell: pipe !== null,
    downloader: pipe?.downloader ?? null,
    interpreter: pipe?.interpreter ?? null,
  };
  return { run, pipeEnd: pipe?.end ?? null };
}

function noUser(): BuildUser {
  return {
    value: null,
    resolved: null,
    uid: null,
    gid: null,
    name: null,
    root: true,
    nonRoot: false,
    unresolved: false,
    reason: 'the final stage has no USER instruction, so it runs as the base image user, root unless the base image sets one',
    stage: null,
    line: null,
  };
}

/** The last USER of the final stage, else of the stage it is built FROM (recursively), else none (root). */
function effectiveUser(data: BuildData, lastUser: (Instruction | null)[], scopes: Scope[], escape: string): BuildUser {
  let s: number | null = data.finalStage;
  const seen = new Set<number>();
  while (s !== null && !seen.has(s)) {
    seen.add(s);
    const ins = lastUser[s];
    if (ins) return readUser(ins, s, s === data.finalStage ? null : (data.stages[s]!.name ?? String(s)), scopes[s]!, escape);
    s = data.stages[s]!.from.stageIndex;
  }
  return noUser();
}

function readUser(ins: Instruction, stage: number, inheritedFrom: string | null, scope: Scope, escape: string): BuildUser {
  const value = (ins.getArgumentsContent() ?? '').trim();
  const where = inheritedFrom === null ? 'the final stage sets' : `the final stage inherits from stage ${inheritedFrom}`;
  const base = { value, stage, line: lineOf(ins) };
  // Variables are resolved with the defaults in scope at the end of the stage (a later ARG/ENV does not
  // apply to an earlier USER, but USER is almost always after them; this keeps the common case exact).
  const { value: resolved, unresolved } = expand(value, scope, escape);
  if (unresolved.length > 0 || value === '') {
    return {
      ...base,
      resolved: null,
      uid: null,
      gid: null,
      name: null,
      root: false,
      nonRoot: false,
      unresolved: true,
      reason: `${where} USER ${value}, which depends on ${unresolved.join(', ') || 'nothing'} with no default, so it is not proven to be non-root`,
    };
  }
  const [who, group = null] = resolved.split(':') as [string, string?];
  const gid = group !== null && /^\d+$/.test(group) ? Number(group) : null;
  const shown = resolved === value ? value : `${value} (= ${resolved})`;
  if (/^\d+$/.test(who)) {
    const uid = Number(who);
    const root = uid === 0;
    return { ...base, resolved, uid, gid, name: null, root, nonRoot: !root, unresolved: false, reason: `${where} USER ${shown}${root ? ', which is root' : ''}` };
  }
  const root = who === 'root';
  return { ...base, resolved, uid: root ? 0 : null, gid, name: who, root, nonRoot: !root, unresolved: false, reason: `${where} USER ${shown}${root ? ', which is root' : ''}` };
}
