/**
 * `history[].created_by` as the builders write it (image-notes.md §2.5): the classic builder's
 * `/bin/sh -c #(nop)  USER x` and `#(nop) ADD <src> in <dest>`, BuildKit's `ADD https://… /x # buildkit`,
 * build args as a `|N K=V …` prefix, exec-form RUN without `/bin/sh -c`, and `docker import`.
 */
export interface HistoryStep {
  index: number;
  createdBy: string;
  created: string | null;
  comment: string | null;
  emptyLayer: boolean;
  /** 1-based layer this step produced, or null for metadata-only steps. */
  layer: number | null;
  instruction: string;
  buildkit: boolean;
  /** ADD from a URL, or the bare-hex source the classic builder records for one. */
  remoteAdd: boolean;
  /** Build args recorded in front of a RUN (`|2 A=x B=y /bin/sh -c …`), values included. */
  buildArgs: { name: string; value: string }[];
  /** ENV pairs of an ENV step. */
  env: { name: string; value: string }[];
}

const NOP = /#\(nop\)\s+/;
const BUILDKIT = /\s#\s*buildkit\s*$/;

export function parseHistory(history: unknown): HistoryStep[] {
  if (!Array.isArray(history)) return [];
  const steps: HistoryStep[] = [];
  let layer = 0;
  history.forEach((h, index) => {
    const o = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
    const createdBy = typeof o['created_by'] === 'string' ? o['created_by'] : '';
    const emptyLayer = o['empty_layer'] === true;
    if (!emptyLayer) layer++;
    const buildkit = BUILDKIT.test(createdBy);
    const { instruction, rest } = instructionOf(createdBy);
    const args = parseBuildArgs(createdBy);
    steps.push({
      index,
      createdBy,
      created: typeof o['created'] === 'string' ? o['created'] : null,
      comment: typeof o['comment'] === 'string' ? o['comment'] : null,
      emptyLayer,
      layer: emptyLayer ? null : layer,
      instruction,
      buildkit,
      remoteAdd: instruction === 'ADD' && isRemoteAdd(rest, buildkit),
      buildArgs: args,
      env: instruction === 'ENV' ? parseEnvPairs(rest.replace(BUILDKIT, '')) : [],
    });
  });
  return steps;
}

function instructionOf(createdBy: string): { instruction: string; rest: string } {
  const nop = NOP.exec(createdBy);
  let text = nop ? createdBy.slice(nop.index + nop[0].length) : createdBy.trim();
  text = text.replace(/^\|\d+\s+(?:\S+=\S*\s+)*/, '');
  const m = /^([A-Z]+)\b\s*(.*)$/s.exec(text);
  if (m && (nop || BUILDKIT.test(createdBy) || KNOWN.has(m[1]!))) return { instruction: m[1]!, rest: m[2]! };
  if (createdBy.trim() === '') return { instruction: 'NONE', rest: '' };
  return { instruction: 'RUN', rest: text };
}

const KNOWN = new Set(['ADD', 'COPY', 'ENV', 'USER', 'CMD', 'ENTRYPOINT', 'WORKDIR', 'EXPOSE', 'LABEL', 'ARG', 'HEALTHCHECK', 'VOLUME', 'SHELL', 'STOPSIGNAL', 'ONBUILD', 'MAINTAINER']);

function isRemoteAdd(rest: string, buildkit: boolean): boolean {
  const body = rest.replace(BUILDKIT, '').replace(/--[a-z-]+(=\S*)?\s*/g, ' ').trim();
  if (/(^|\s)(https?|ftp):\/\//i.test(body)) return true;
  if (/(^|\s)git@[\w.-]+:/.test(body)) return true;
  // Classic builder: `ADD <64 hex> in /dest` for a URL; local sources get file:, dir: or multi:.
  if (!buildkit && /^(?:\S*?)?[0-9a-f]{64} in /.test(body) && !/(file|dir|multi):[0-9a-f]{64}/.test(body)) return true;
  return false;
}

/** `|2 NPM_TOKEN=x OTHER=y /bin/sh -c …` → the recorded build args. */
function parseBuildArgs(createdBy: string): { name: string; value: string }[] {
  const m = /^\|(\d+)\s+/.exec(createdBy);
  if (!m) return [];
  const count = Number(m[1]);
  const out: { name: string; value: string }[] = [];
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=(\S*)\s+/y;
  re.lastIndex = m[0].length;
  for (let i = 0; i < count; i++) {
    const a = re.exec(createdBy);
    if (!a) break;
    out.push({ name: a[1]!, value: a[2]! });
  }
  return out;
}

/** `ENV A=b C="d e"` (classic builder and BuildKit) or the legacy `ENV A b`. */
export function parseEnvPairs(text: string): { name: string; value: string }[] {
  const t = text.trim();
  const out: { name: string; value: string }[] = [];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*=/.test(t)) {
    const sp = t.search(/\s/);
    if (sp > 0) out.push({ name: t.slice(0, sp), value: t.slice(sp).trim() });
    return out;
  }
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/y;
  for (let m = re.exec(t); m; m = re.exec(t)) {
    let v = m[2]!;
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    out.push({ name: m[1]!, value: v });
    if (re.lastIndex >= t.length) break;
  }
  return out;
}
