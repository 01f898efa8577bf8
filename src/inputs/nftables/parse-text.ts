import type { NormRuleset } from '../../analyzers/egress/model.js';
import { InputError } from '../types.js';
import { buildRuleset } from './parse-json.js';

/**
 * The text form of `nft list ruleset`. The common statement forms are translated into the JSON
 * statements of libnftables-json(5), so both forms share one rule compiler; any expression this reader
 * does not know becomes an opaque condition of its rule (never ignored).
 */

type J = Record<string, unknown>;

export function looksLikeNftText(text: string): boolean {
  // The first statement must open a table (comments and `flush ruleset` may come before it).
  const first = firstStatement(text);
  return first !== undefined && /^table\s+(ip|ip6|inet|arp|bridge|netdev)\s+\S+\s*\{$/.test(first) && /\bchain\s+\S+\s*\{/.test(text);
}

/** The first line that is not blank, a comment or `flush ruleset`, within the first 20,000 characters. */
function firstStatement(text: string): string | undefined {
  // Line by line up to that line only: detection runs on every file of a scan.
  for (let at = 0; at < text.length && at < 20_000; ) {
    let end = text.indexOf('\n', at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end).trim();
    if (line !== '' && !line.startsWith('#') && line !== 'flush ruleset') return line;
    at = end + 1;
  }
  return undefined;
}

const PRIORITIES: Record<string, number> = { raw: -300, mangle: -150, dstnat: -100, filter: 0, security: 50, srcnat: 100 };

function tokenize(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '#') break;
    if (ch === '"') {
      let j = i + 1;
      let s = '';
      while (j < line.length && line[j] !== '"') s += line[j++];
      out.push(`"${s}"`);
      i = j + 1;
      continue;
    }
    if ('{},;'.includes(ch)) {
      out.push(ch);
      i++;
      continue;
    }
    let j = i;
    while (j < line.length && !' \t{},;"'.includes(line[j]!)) j++;
    out.push(line.slice(i, j));
    i = j;
  }
  return out;
}

function value(tok: string): unknown {
  if (tok.startsWith('"')) return tok.slice(1, -1);
  if (/^\d+$/.test(tok)) return Number(tok);
  const pre = /^(.+)\/(\d+)$/.exec(tok);
  if (pre) return { prefix: { addr: pre[1], len: Number(pre[2]) } };
  const rng = /^([\w.:]+)-([\w.:]+)$/.exec(tok);
  if (rng && (/^\d+$/.test(rng[1]!) || /[.:]/.test(rng[1]!))) return { range: [value(rng[1]!), value(rng[2]!)] };
  return tok;
}

/** Elements of `{ a, b . c, d : verdict }` starting at tokens[i] === '{'. */
function readSet(t: string[], i: number): { elems: unknown[]; next: number } {
  const elems: unknown[] = [];
  let cur: string[] = [];
  const flush = (): void => {
    if (cur.length === 0) return;
    const colon = cur.indexOf(':');
    const keyToks = colon >= 0 ? cur.slice(0, colon) : cur;
    const parts = keyToks.join(' ').split(' . ').map((s) => value(s.trim()));
    const key = parts.length > 1 ? { concat: parts } : parts[0];
    if (colon >= 0) elems.push([key, verdictJson(cur.slice(colon + 1)) ?? cur.slice(colon + 1).join(' ')]);
    else elems.push(key);
    cur = [];
  };
  let k = i + 1;
  for (; k < t.length && t[k] !== '}'; k++) {
    if (t[k] === ',') flush();
    else cur.push(t[k]!);
  }
  flush();
  return { elems, next: k + 1 };
}

function verdictJson(t: string[]): J | null {
  switch (t[0]) {
    case 'accept':
    case 'drop':
    case 'return':
    case 'continue':
      return { [t[0]]: null };
    case 'reject':
      return { reject: null };
    case 'jump':
    case 'goto':
      return { [t[0]]: { target: t[1] } };
    default:
      return null;
  }
}

const LEFT: Record<string, (t: string[], i: number) => { left: J; next: number } | null> = {
  ip: (t, i) => (['daddr', 'saddr', 'protocol'].includes(t[i + 1]!) ? { left: { payload: { protocol: 'ip', field: t[i + 1] } }, next: i + 2 } : null),
  ip6: (t, i) => (['daddr', 'saddr', 'nexthdr'].includes(t[i + 1]!) ? { left: { payload: { protocol: 'ip6', field: t[i + 1] } }, next: i + 2 } : null),
  meta: (t, i) => ({ left: { meta: { key: t[i + 1] } }, next: i + 2 }),
  ct: (t, i) => ({ left: { ct: { key: t[i + 1] } }, next: i + 2 }),
};
for (const p of ['tcp', 'udp', 'sctp', 'dccp', 'udplite', 'th'])
  LEFT[p] = (t, i) => (t[i + 1] === 'dport' || t[i + 1] === 'sport' ? { left: { payload: { protocol: p, field: t[i + 1] } }, next: i + 2 } : null);
for (const k of ['l4proto', 'oifname', 'iifname', 'oif', 'iif', 'skuid', 'skgid', 'nfproto', 'mark'])
  LEFT[k] = (_t, i) => ({ left: { meta: { key: k } }, next: i + 1 });

const OPS = new Set(['==', '!=', '!', '<', '>', '<=', '>=', 'eq', 'ne', 'lt', 'gt', 'le', 'ge']);
const OPMAP: Record<string, string> = { eq: '==', ne: '!=', '!': '!=', lt: '<', gt: '>', le: '<=', ge: '>=' };
const SKIP_STATEMENTS = new Set(['counter', 'log', 'limit', 'quota', 'meta-set', 'comment']);

function parseRuleTokens(t: string[]): { expr: J[]; comment?: string } {
  const expr: J[] = [];
  let comment: string | undefined;
  let i = 0;
  while (i < t.length) {
    const tok = t[i]!;
    if (tok === 'counter') {
      i++;
      if (t[i] === 'packets') i += 4;
      expr.push({ counter: null });
      continue;
    }
    if (tok === 'comment') {
      comment = String(value(t[i + 1] ?? '""'));
      i += 2;
      continue;
    }
    if (tok === 'log') {
      i++;
      while (i < t.length && ['prefix', 'level', 'group', 'snaplen', 'queue-threshold', 'flags'].includes(t[i]!)) i += 2;
      expr.push({ log: null });
      continue;
    }
    if (tok === 'limit' || tok === 'quota') {
      // `limit rate [over] 10/second [burst 5 packets]`
      let j = i + 1;
      while (j < t.length && !LEFT[t[j]!] && !verdictJson([t[j]!]) && !['counter', 'log', 'comment'].includes(t[j]!)) j++;
      expr.push({ [tok]: t.slice(i + 1, j).join(' ') });
      i = j;
      continue;
    }
    if (tok === 'notrack') {
      expr.push({ notrack: null });
      i++;
      continue;
    }
    if (tok === 'masquerade' || tok === 'snat') {
      expr.push({ [tok]: null });
      break;
    }
    if (tok === 'redirect' || tok === 'dnat' || tok === 'tproxy') {
      // redirect to :3128 | dnat [ip] to 10.0.0.5:8080
      let j = i + 1;
      if (t[j] === 'ip' || t[j] === 'ip6') j++;
      if (t[j] === 'to') j++;
      const target = t[j] ?? '';
      const m = /^(?:\[?([^\]]*?)\]?)?(?::(\d+))?$/.exec(target);
      const addr = tok === 'redirect' ? undefined : target.startsWith(':') ? undefined : m?.[1] || (target.split(':').length > 2 ? target : undefined);
      const port = m?.[2] ? Number(m[2]) : undefined;
      expr.push({ [tok]: { ...(addr ? { addr } : {}), ...(port ? { port } : {}) } });
      break;
    }
    if (tok === 'queue') {
      expr.push({ queue: null });
      break;
    }
    const v = verdictJson(t.slice(i));
    if (v) {
      expr.push(v);
      break;
    }
    if (tok === 'xt') {
      expr.push({ xt: { type: t[i + 1], name: String(value(t[i + 2] ?? '')) } });
      i += 3;
      continue;
    }
    // A match: one field or a concatenation `a . b`, an optional operator, then a value, a set or a vmap.
    const lefts: J[] = [];
    let j = i;
    for (;;) {
      const f = LEFT[t[j]!]?.(t, j);
      if (!f) break;
      lefts.push(f.left);
      j = f.next;
      if (t[j] === '.') {
        j++;
        continue;
      }
      break;
    }
    if (lefts.length === 0) {
      // Unknown expression: swallow to the next known word and keep it as an opaque condition.
      let k = i + 1;
      while (k < t.length && !LEFT[t[k]!] && !verdictJson([t[k]!]) && !SKIP_STATEMENTS.has(t[k]!) && !['xt', 'notrack', 'redirect', 'dnat', 'masquerade', 'snat', 'queue'].includes(t[k]!)) k++;
      expr.push({ match: { op: '==', left: { [`${t.slice(i, k).join(' ')}`]: null }, right: null } });
      i = k;
      continue;
    }
    const left = lefts.length === 1 ? lefts[0]! : { concat: lefts };
    let op = '==';
    if (OPS.has(t[j]!)) {
      op = OPMAP[t[j]!] ?? t[j]!;
      j++;
    }
    if (t[j] === 'vmap') {
      if (t[j + 1] === '{') {
        const s = readSet(t, j + 1);
        expr.push({ vmap: { key: left, data: { set: s.elems } } });
        i = s.next;
      } else {
        expr.push({ vmap: { key: left, data: t[j + 1] } });
        i = j + 2;
      }
      continue;
    }
    let right: unknown;
    if (t[j] === '{') {
      const s = readSet(t, j);
      right = { set: s.elems };
      j = s.next;
    } else {
      const raw = t[j] ?? '';
      j++;
      if (lefts.length > 1) {
        const parts: string[] = [raw];
        while (t[j] === '.') {
          parts.push(t[j + 1] ?? '');
          j += 2;
        }
        right = parts.length > 1 ? { concat: parts.map(value) } : raw.startsWith('@') ? raw : value(raw);
      } else if ((left as { ct?: unknown }).ct || t[j] === ',' || raw.includes(',')) {
        // Flag lists print without braces: `ct state established,related`.
        const parts = raw.split(',').filter(Boolean);
        while (t[j] === ',' && t[j + 1] !== undefined) {
          parts.push(t[j + 1]!);
          j += 2;
        }
        right = parts.map(value);
      }
      else right = raw.startsWith('@') ? raw : value(raw);
    }
    expr.push({ match: { op: op === '==' && right && typeof right === 'object' && 'set' in (right as J) ? '==' : op, left, right } });
    i = j;
  }
  return { expr, comment };
}

export function parseNftText(text: string, file: string): NormRuleset {
  const items: J[] = [];
  const positions: { line: number; column: number }[] = [];
  const lines = text.split(/\r?\n/);
  let table: { family: string; name: string } | null = null;
  let chain: string | null = null;
  let set: { obj: J; kind: 'set' | 'map'; pending: string[] | null } | null = null;
  const add = (o: J, line: number): void => {
    items.push(o);
    positions.push({ line, column: 1 });
  };
  let chainItem: J | null = null;
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const raw = lines[n]!;
    const line = raw.replace(/\s+$/, '').trim();
    if (line === '' || line.startsWith('#') || (!table && line === 'flush ruleset')) continue;
    // Set element lists may span lines.
    if (set?.pending) {
      set.pending.push(line);
      if (line.includes('}')) {
        const toks = tokenize(set.pending.join(' '));
        const open = toks.indexOf('{');
        set.obj.elem = readSet(toks, open).elems;
        set.pending = null;
      }
      continue;
    }
    const t = tokenize(line);
    if (!table) {
      if (t[0] === 'table' && t[3] === '{') {
        table = { family: t[1]!, name: t[2]! };
        add({ table: { family: t[1], name: t[2] } }, lineNo);
        continue;
      }
      throw new InputError(file, `expected "table <family> <name> {", found "${line.slice(0, 60)}"`, lineNo);
    }
    if (set) {
      if (t[0] === '}') {
        set = null;
        continue;
      }
      if (t[0] === 'type' || t[0] === 'typeof') set.obj.type = line.replace(/^typeof\s+|^type\s+/, '').split(' . ');
      else if (t[0] === 'flags') set.obj.flags = t.slice(1).filter((x) => x !== ',');
      else if (t[0] === 'elements') {
        if (line.includes('}')) set.obj.elem = readSet(t, t.indexOf('{')).elems;
        else set.pending = [line];
      }
      continue;
    }
    if (chain) {
      if (t[0] === '}') {
        chain = null;
        chainItem = null;
        continue;
      }
      if (t[0] === 'type' && t.includes('hook')) {
        const c = chainItem!.chain as J;
        c.type = t[1];
        c.hook = t[t.indexOf('hook') + 1];
        const pi = t.indexOf('priority');
        if (pi >= 0) {
          const expr = t.slice(pi + 1, t.indexOf(';', pi) >= 0 ? t.indexOf(';', pi) : undefined).join(' ');
          const m = /^(-?\d+)$|^(\w+)\s*(?:([+-])\s*(\d+))?$/.exec(expr.trim());
          if (!m) throw new InputError(file, `priority "${expr}" not understood`, lineNo);
          c.prio = m[1] !== undefined ? Number(m[1]) : (PRIORITIES[m[2]!] ?? 0) + (m[3] ? (m[3] === '-' ? -1 : 1) * Number(m[4]) : 0);
        }
        const po = t.indexOf('policy');
        if (po >= 0) c.policy = t[po + 1];
        // Findings about the chain's policy point at the line that sets it.
        positions[items.indexOf(chainItem!)] = { line: lineNo, column: 1 };
        continue;
      }
      if (t[0] === 'policy') {
        (chainItem!.chain as J).policy = t[1];
        continue;
      }
      if (t[0] === 'comment' && t.length === 2) continue;
      const { expr, comment } = parseRuleTokens(t);
      add({ rule: { family: table.family, table: table.name, chain, expr, ...(comment ? { comment } : {}) } }, lineNo);
      continue;
    }
    if (t[0] === '}') {
      table = null;
      continue;
    }
    if (t[0] === 'chain' && t[2] === '{') {
      chain = t[1]!;
      chainItem = { chain: { family: table.family, table: table.name, name: chain } };
      add(chainItem, lineNo);
      continue;
    }
    if ((t[0] === 'set' || t[0] === 'map') && t[2] === '{') {
      const o: J = { family: table.family, table: table.name, name: t[1], elem: [] };
      add({ [t[0]]: o }, lineNo);
      set = { obj: o, kind: t[0], pending: null };
      continue;
    }
    if (t[0] === 'flags' || t[0] === 'comment') continue;
    if ((t[0] === 'flowtable' || t[0] === 'counter' || t[0] === 'quota' || t[0] === 'ct' || t[0] === 'limit' || t[0] === 'secmark' || t[0] === 'synproxy') && line.endsWith('{')) {
      // Stateful objects: skip their block.
      let depth = 1;
      while (depth > 0 && ++n < lines.length) depth += (lines[n]!.match(/\{/g)?.length ?? 0) - (lines[n]!.match(/\}/g)?.length ?? 0);
      continue;
    }
    throw new InputError(file, `unrecognised line in table ${table.family} ${table.name}: "${line.slice(0, 60)}"`, lineNo);
  }
  if (table) throw new InputError(file, `table ${table.family} ${table.name} is not closed`);
  if (/# Warning: table ip6? \w+ is managed by iptables-nft/.test(text)) {
    // The text listing shows iptables-nft rules translated; nothing is hidden, but say where they came from.
  }
  return buildRuleset({ items, positions }, file, 'nft-text');
}
