/**
 * Finds a download executed without being verified first, in a shell script (a RUN line or heredoc):
 *   curl -fsSL https://get.example.sh | sh          wget -qO- … | sudo -E bash -s -- --yes
 *   curl … | gunzip | python3 -                     sh -c "$(curl -fsSL …)"      bash <(curl -s …)
 *   eval "$(wget -qO- …)"                           iwr https://… | iex          iex ((New-Object Net.WebClient).DownloadString('…'))
 * or saved to a file that a later command of the same script runs with nothing checking it in between:
 *   curl -fsSLo install.sh https://… && sh install.sh      wget https://…/setup.sh && chmod +x setup.sh && ./setup.sh
 * and not the look-alikes that only read data: `curl … | tar xz`, `curl … | python3 -c "import json…"`,
 * `curl … | sh install.sh` (runs a file), `curl -o x.sh … && sha256sum -c … && sh x.sh` (verified first).
 * This is a lexer for the shell's structure (quotes, substitutions, pipes, lists), not a full shell parser.
 */

export interface DownloadPipe {
  downloader: string;
  interpreter: string;
  /** Where in the script the command that completes it ends (the runner, or the command that runs the file). */
  end: number;
}

/** What a command holds inside it (a substitution, a command string); it is located at the command. */
type Found = Omit<DownloadPipe, 'end'>;

/** A command's text (quotes and substitutions whole) and the offset in the script where it ends. */
interface Command {
  text: string;
  end: number;
}

const DOWNLOADERS = new Set(['curl', 'wget', 'wget2', 'fetch', 'aria2c', 'http', 'https', 'lwp-download', 'lwp-request', 'invoke-webrequest', 'iwr', 'invoke-restmethod', 'irm']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ash', 'ksh', 'mksh', 'fish', 'busybox']);
const INTERPRETERS = /^(python[0-9.]*|pypy[0-9.]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|php[0-9.]*|lua[0-9.]*|pwsh|powershell|iex|invoke-expression|deno|bun)$/;
const EVALUATORS = new Set(['eval', 'source', '.']);

export function findDownloadPipe(script: string, depth = 0): DownloadPipe | null {
  if (depth > 5) return null;
  const ps = /\b(iex|invoke-expression)\b[^\n]*?\.(downloadstring|downloadfile)\s*\(/i.exec(script);
  if (ps) return { downloader: 'DownloadString', interpreter: ps[1]!, end: ps.index + ps[0].length };
  for (const pipeline of splitPipelines(script)) {
    const cmds = pipeline.map((c) => commandInfo(c.text));
    const dl = cmds.findIndex((c) => c.head !== null && DOWNLOADERS.has(c.head.toLowerCase()));
    if (dl >= 0) {
      const runner = cmds.findIndex((c, i) => i > dl && executesStdin(c));
      if (runner >= 0) return { downloader: cmds[dl]!.head!, interpreter: cmds[runner]!.head!, end: pipeline[runner]!.end };
    }
    for (let i = 0; i < cmds.length; i++) {
      // Found inside the command (a substitution, a command string): located at the command.
      const found = fromSubstitutions(cmds[i]!, depth) ?? fromCommandString(cmds[i]!, depth);
      if (found) return { ...found, end: pipeline[i]!.end };
    }
  }
  return findDownloadThenRun(script);
}

/** Programs that check a file against a checksum or signature, when given their checking flag. */
const VERIFIERS: Record<string, RegExp> = {
  sha256sum: /^(-c|--check)$/,
  sha512sum: /^(-c|--check)$/,
  sha384sum: /^(-c|--check)$/,
  sha1sum: /^(-c|--check)$/,
  shasum: /^(-c|--check)$/,
  b2sum: /^(-c|--check)$/,
  gpg: /^--verify$/,
  gpgv: /./,
  cosign: /^verify(-blob)?(-attestation)?$/,
  minisign: /^-V$/,
  signify: /^-C$|^-V$/,
  openssl: /^-verify$/,
};

/** `curl -o FILE` / `-O` / `wget [-O FILE]`: the file a downloader writes (by name), or null for stdout. */
function downloadedFile(c: CommandInfo): string | null {
  const head = c.head?.toLowerCase();
  const url = c.args.find((a) => /^(https?|ftp):\/\//i.test(a));
  const fromUrl = () => (url ? basename(url.replace(/[?#].*$/, '').replace(/\/+$/, '')) || null : null);
  if (head === 'curl') {
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i]!;
      if (a === '--output' || a === '-o') return fileName(c.args[i + 1]);
      if (a.startsWith('--output=')) return fileName(a.slice(9));
      if (a === '--remote-name' || a === '-O') return fromUrl();
      const cluster = /^-([A-Za-z]+)$/.exec(a);
      if (cluster) {
        const flags = cluster[1]!;
        const o = flags.indexOf('o');
        if (o >= 0) return o === flags.length - 1 ? fileName(c.args[i + 1]) : fileName(flags.slice(o + 1));
        if (flags.includes('O')) return fromUrl();
      }
    }
    return null;
  }
  if (head === 'wget' || head === 'wget2') {
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i]!;
      if (a === '-O' || a === '--output-document') return fileName(c.args[i + 1]);
      if (a.startsWith('--output-document=')) return fileName(a.slice(18));
      const cluster = /^-([A-Za-z]+)$/.exec(a);
      if (cluster && cluster[1]!.includes('O')) {
        const flags = cluster[1]!;
        const o = flags.indexOf('O');
        return o === flags.length - 1 ? fileName(c.args[i + 1]) : fileName(flags.slice(o + 1));
      }
    }
    return fromUrl();
  }
  return null;
}

/** A file argument as a name to follow; `-` (stdout) and unknown names are not files. */
function fileName(word: string | undefined): string | null {
  if (!word || word === '-' || word === '/dev/stdout') return null;
  return basename(word) || null;
}

/** The file a command runs as a program or script: `./x.sh`, `/tmp/x.sh`, `sh x.sh`, `python3 x.py`. */
function executedFile(c: CommandInfo): string | null {
  if (c.head === null) return null;
  if (c.program?.includes('/')) return c.head;
  const head = c.head.toLowerCase();
  if (!SHELLS.has(head) && !INTERPRETERS.test(head) && !EVALUATORS.has(head)) return null;
  for (let i = 0; i < c.args.length; i++) {
    const a = c.args[i]!;
    if (/^-[A-Za-z]*c[A-Za-z]*$/.test(a) || /^-(e|m)$/.test(a)) return null; // inline code or a module
    if (a.startsWith('-') || a.startsWith('+')) continue;
    return basename(a);
  }
  return null;
}

/** A download saved to a file and run later in the same script, with no verifier naming it (or a checksum list) in between. */
function findDownloadThenRun(script: string): DownloadPipe | null {
  const pending = new Map<string, string>(); // file name → downloader
  for (const pipeline of splitPipelines(script)) {
    for (const { text: raw, end } of pipeline) {
      const c = commandInfo(raw);
      const head = c.head?.toLowerCase();
      const check = head ? VERIFIERS[head] : undefined;
      if (check && c.args.some((a) => check.test(a))) {
        // A check of a named file clears it; a checksum list read from a file may cover anything.
        const text = pipeline.map((x) => x.text).join(' | ');
        const named = [...pending.keys()].filter((f) => text.includes(f));
        for (const f of named.length ? named : [...pending.keys()]) pending.delete(f);
        continue;
      }
      const ran = executedFile(c);
      if (ran && pending.has(ran)) return { downloader: pending.get(ran)!, interpreter: c.head!, end };
      const saved = downloadedFile(c);
      if (saved) pending.set(saved, c.head!);
    }
  }
  return null;
}

interface CommandInfo {
  raw: string;
  /** The program after wrappers (sudo, env, VAR=x, time…), as a basename; null for an empty command. */
  head: string | null;
  /** The program word as written (a path such as `./install.sh`), or null. */
  program: string | null;
  args: string[];
}

const WRAPPERS = new Set(['sudo', 'doas', 'env', 'time', 'nohup', 'exec', 'command', 'builtin', 'nice', 'ionice', 'timeout', 'stdbuf', 'su-exec', 'gosu']);
const WRAPPER_ARG_FLAGS: Record<string, Set<string>> = {
  sudo: new Set(['-u', '-g', '-h', '-p', '-C', '-r', '-t', '-U']),
  doas: new Set(['-u', '-C']),
  env: new Set(['-u', '-C', '-S']),
  nice: new Set(['-n']),
  ionice: new Set(['-c', '-n', '-p']),
  timeout: new Set(['-s', '-k']),
};

function commandInfo(raw: string): CommandInfo {
  const words = shellWords(raw);
  let i = 0;
  while (i < words.length) {
    const w = words[i]!;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || w === '!') {
      i++;
      continue;
    }
    const base = basename(w);
    if (!WRAPPERS.has(base)) break;
    i++;
    const argFlags = WRAPPER_ARG_FLAGS[base] ?? new Set<string>();
    while (i < words.length && (words[i]!.startsWith('-') || (base === 'env' && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)))) {
      if (words[i] === '--') {
        i++;
        break;
      }
      if (argFlags.has(words[i]!)) i++;
      i++;
    }
    // `timeout 60 cmd`, `su-exec user cmd`, `gosu user cmd`: one positional before the command.
    if ((base === 'timeout' || base === 'su-exec' || base === 'gosu') && i < words.length) i++;
  }
  return { raw, head: i < words.length ? basename(words[i]!) : null, program: words[i] ?? null, args: words.slice(i + 1) };
}

function basename(word: string): string {
  const cut = Math.max(word.lastIndexOf('/'), word.lastIndexOf('\\'));
  return cut >= 0 ? word.slice(cut + 1) : word;
}

/** Does this pipeline stage execute what it reads on stdin? */
function executesStdin(c: CommandInfo): boolean {
  if (c.head === null) return false;
  const head = c.head.toLowerCase();
  if (head === 'iex' || head === 'invoke-expression') return true;
  if (SHELLS.has(head)) {
    let args = c.args;
    if (head === 'busybox') {
      if (!args[0] || !SHELLS.has(basename(args[0]))) return false;
      args = args.slice(1);
    }
    let stdinFlag = false;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--' || a === '-') return true;
      if (/^[-+]o$/.test(a)) {
        i++;
        continue;
      }
      if (/^-[A-Za-z]+$/.test(a)) {
        if (a.includes('c')) return false; // `-c STRING`: the string is the script
        if (a.includes('s')) stdinFlag = true;
        continue;
      }
      if (a.startsWith('+') || a.startsWith('--')) continue;
      return stdinFlag; // a script file: stdin is only data, unless -s
    }
    return true;
  }
  if (INTERPRETERS.test(head)) {
    if (head === 'pwsh' || head === 'powershell') {
      const i = c.args.findIndex((a) => /^-(c|command)$/i.test(a));
      if (i >= 0) return c.args[i + 1] === '-';
      return !c.args.some((a) => /^-(f|file)$/i.test(a) || !a.startsWith('-'));
    }
    for (let i = 0; i < c.args.length; i++) {
      const a = c.args[i]!;
      if (a === '-') return true;
      if (/^-(c|e|E|m|r|p|x|-eval|-print)$/.test(a)) return false; // inline code or a module
      if (/^-(W|X|I|M|r|-require)$/.test(a)) {
        i++;
        continue;
      }
      if (a.startsWith('-')) continue;
      return false; // a script file
    }
    return true;
  }
  return false;
}

/** `sh -c "$(curl …)"`, `bash <(curl …)`, `eval "$(wget -qO- …)"`, `source <(curl …)`. */
function fromSubstitutions(c: CommandInfo, depth: number): Found | null {
  if (c.head === null) return null;
  const head = c.head.toLowerCase();
  const runs = SHELLS.has(head) || INTERPRETERS.test(head) || EVALUATORS.has(head);
  for (const inner of substitutions(c.raw)) {
    if (runs) {
      const dl = splitPipelines(inner).flat().map((x) => commandInfo(x.text)).find((x) => x.head !== null && DOWNLOADERS.has(x.head.toLowerCase()));
      if (dl) return { downloader: dl.head!, interpreter: c.head };
    }
    const nested = findDownloadPipe(inner, depth + 1);
    if (nested) return nested;
  }
  return null;
}

/** `sh -c 'curl … | sh'`, `bash -lc "…"`, `su -c "…"`: look inside the command string. */
function fromCommandString(c: CommandInfo, depth: number): Found | null {
  if (c.head === null) return null;
  const head = c.head.toLowerCase();
  if (!SHELLS.has(head) && head !== 'su') return null;
  const i = c.args.findIndex((a) => /^-[A-Za-z]*c[A-Za-z]*$/.test(a) || a === '--command');
  const script = i >= 0 ? c.args[i + 1] : undefined;
  return script ? findDownloadPipe(script, depth + 1) : null;
}

/**
 * Splits a script into pipelines (separated by newlines, `;`, `&&`, `||`, `&`), each a list of
 * commands (separated by `|`). Quotes, `$(…)`, backticks and `<(…)` are kept whole; comments and line
 * continuations are dropped.
 */
function splitPipelines(script: string): Command[][] {
  const pipelines: Command[][] = [];
  let pipeline: Command[] = [];
  let cmd = '';
  let i = 0;
  const endCommand = () => {
    if (cmd.trim() !== '') pipeline.push({ text: cmd.trim(), end: i });
    cmd = '';
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length) pipelines.push(pipeline);
    pipeline = [];
  };
  let afterPipe = false;
  const s = script;
  while (i < s.length) {
    const ch = s[i]!;
    if (afterPipe && !/\s/.test(ch)) afterPipe = false;
    if (ch === '\\') {
      if (s[i + 1] === '\n') i += 2;
      else {
        cmd += s.slice(i, i + 2);
        i += 2;
      }
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      const end = closeQuote(s, i);
      cmd += s.slice(i, end);
      i = end;
      continue;
    }
    if ((ch === '$' || ch === '<' || ch === '>') && s[i + 1] === '(') {
      const end = closeParen(s, i + 1);
      cmd += s.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '#' && (cmd === '' || /\s$/.test(cmd))) {
      while (i < s.length && s[i] !== '\n') i++;
      continue;
    }
    if (ch === '\n' && afterPipe && cmd.trim() === '') {
      i++; // `a |` at the end of a line: the pipeline goes on
      continue;
    }
    if (ch === '\n' || ch === ';') {
      endPipeline();
      i++;
      continue;
    }
    if (ch === '&') {
      if (s[i + 1] === '&') i++;
      else if (s[i - 1] === '>' || s[i + 1] === '>') {
        cmd += ch; // redirections: 2>&1, &>file
        i++;
        continue;
      }
      endPipeline();
      i++;
      continue;
    }
    if (ch === '|') {
      if (s[i + 1] === '|') {
        endPipeline();
        i += 2;
        continue;
      }
      endCommand();
      i += s[i + 1] === '&' ? 2 : 1;
      afterPipe = true;
      continue;
    }
    if (ch === '(' || ch === ')' || ((ch === '{' || ch === '}') && (cmd.trim() === '' || /\s$/.test(cmd)) && /[\s;]|$/.test(s[i + 1] ?? ''))) {
      cmd += ' ';
      i++;
      continue;
    }
    cmd += ch;
    i++;
  }
  endPipeline();
  return pipelines;
}

function closeQuote(s: string, start: number): number {
  const q = s[start]!;
  let i = start + 1;
  while (i < s.length) {
    if (s[i] === '\\' && q !== "'") i += 2;
    else if (s[i] === q) return i + 1;
    else if (q === '"' && s[i] === '$' && s[i + 1] === '(') i = closeParen(s, i + 1);
    else i++;
  }
  return s.length;
}

/** Index just past the `)` matching the `(` at `open`. */
function closeParen(s: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < s.length) {
    const ch = s[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === "'" || ch === '"' || ch === '`') {
      i = closeQuote(s, i);
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return s.length;
}

/** The contents of every `$(…)`, `` `…` `` and `<(…)` in a command (also inside double quotes). */
function substitutions(raw: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === "'") {
      i = closeQuote(raw, i);
      continue;
    }
    if ((ch === '$' || ch === '<') && raw[i + 1] === '(' && raw[i + 2] !== '(') {
      const end = closeParen(raw, i + 1);
      out.push(raw.slice(i + 2, end - 1));
      i = end;
      continue;
    }
    if (ch === '`') {
      const end = closeQuote(raw, i);
      out.push(raw.slice(i + 1, end - 1));
      i = end;
      continue;
    }
    i++;
  }
  return out;
}

/** Words with quotes removed (enough to read a command's program and flags). */
export function shellWords(raw: string): string[] {
  const words: string[] = [];
  let w = '';
  let inWord = false;
  let i = 0;
  while (i < raw.length) {
    const ch = raw[i]!;
    if (/\s/.test(ch)) {
      if (inWord) words.push(w);
      w = '';
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === "'" || ch === '"') {
      const end = closeQuote(raw, i);
      w += raw.slice(i + 1, end - 1);
      i = end;
    } else if (ch === '\\' && i + 1 < raw.length) {
      w += raw[i + 1];
      i += 2;
    } else if ((ch === '$' || ch === '<' || ch === '>') && raw[i + 1] === '(') {
      const end = closeParen(raw, i + 1);
      w += raw.slice(i, end);
      i = end;
    } else {
      w += ch;
      i++;
    }
  }
  if (inWord) words.push(w);
  return words;
}
