import { parseAddressRange, parsePrefix, type Family } from '../../analyzers/egress/address.js';
import { CT_STATES, PORT_PROTOS, PROTO_NUMBERS, type CtState } from '../../analyzers/egress/header-space.js';
import type { MatchSpec, NormChain, NormRule, NormRuleset, NormTable, Origin, RuleVerdict } from '../../analyzers/egress/model.js';
import { NAT_HOOKS, reachingBaseChains } from '../../analyzers/egress/reaching-bases.js';
import { parseJsonInput } from '../json-error.js';
import { InputError } from '../types.js';
import { pushAll } from '../../util/arrays.js';

/**
 * `nft -j list ruleset` (libnftables-json(5)) → normalized rulesets. Also used for the text form, which
 * parse-text.ts first turns into the same JSON statements.
 */

type J = Record<string, unknown>;
const obj = (v: unknown): J => (v && typeof v === 'object' && !Array.isArray(v) ? (v as J) : {});

/** 1-based line and column of every element of the top-level `nftables` array, in order. */
export function elementPositions(text: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  let depth = 0;
  let line = 1;
  let col = 0;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    col++;
    if (ch === '\n') {
      line++;
      col = 0;
      continue;
    }
    if (inStr) {
      if (ch === '\\') {
        i++;
        col++;
      } else if (ch === '"') inStr = false;
      continue;
    }
    if (ch === '"') inStr = true;
    else if (ch === '{' || ch === '[') {
      if (depth === 2 && ch === '{') out.push({ line, column: col });
      depth++;
    } else if (ch === '}' || ch === ']') depth--;
  }
  return out;
}

export interface NftSet {
  name: string;
  type: string | string[];
  elem: unknown[];
  dynamic: boolean;
  isMap: boolean;
}

const FAMILIES_OF: Record<string, Family[]> = { ip: ['ipv4'], ip6: ['ipv6'], inet: ['ipv4', 'ipv6'] };

export interface NftDoc {
  items: J[];
  positions: { line: number; column: number }[];
}

export function looksLikeNftJson(text: string): boolean {
  return /^\s*\{\s*"nftables"\s*:\s*\[/.test(text);
}

export function parseNftJson(text: string, file: string): NormRuleset {
  const doc = parseJsonInput(text, (e) => new InputError(file, `not valid JSON: ${e.reason}`, e.line));
  const items = obj(doc).nftables;
  if (!Array.isArray(items)) throw new InputError(file, 'no "nftables" array: expected the output of `nft -j list ruleset`');
  const pos = elementPositions(text);
  return buildRuleset({ items: items as J[], positions: pos }, file, 'nft-json');
}

export function buildRuleset(doc: NftDoc, file: string, source: 'nft-json' | 'nft-text'): NormRuleset {
  const tables = new Map<string, NormTable>();
  const sets = new Map<string, NftSet>();
  const notes: NormRuleset['notes'] = [];
  const at = (i: number): Origin => ({ file, line: doc.positions[i]?.line ?? 1 });
  const key = (family: string, table: string): string => `${family} ${table}`;
  doc.items.forEach((item, i) => {
    if (item.table) {
      const t = obj(item.table);
      const fam = String(t.family);
      if (!FAMILIES_OF[fam]) {
        notes.push({ text: `table ${fam} ${String(t.name)} (family ${fam}) is not evaluated: only ip, ip6 and inet tables filter routed egress`, line: at(i).line, severity: 'info' });
        return;
      }
      tables.set(key(fam, String(t.name)), { name: key(fam, String(t.name)), families: FAMILIES_OF[fam]!, chains: [] });
    } else if (item.set || item.map) {
      const s = obj(item.set ?? item.map);
      const flags = Array.isArray(s.flags) ? (s.flags as string[]) : [];
      const name = `${s.family} ${s.table} @${s.name}`;
      sets.set(name, { name: String(s.name), type: s.type as string | string[], elem: Array.isArray(s.elem) ? s.elem : [], dynamic: flags.includes('dynamic') || flags.includes('timeout'), isMap: Boolean(item.map) });
      if (flags.includes('dynamic'))
        notes.push({ text: `set @${s.name} is dynamic (filled from the packet path); only the elements present when the ruleset was listed are known`, line: at(i).line, severity: 'opaque' });
    }
  });
  doc.items.forEach((item, i) => {
    if (!item.chain) return;
    const c = obj(item.chain);
    const t = tables.get(key(String(c.family), String(c.table)));
    if (!t) return;
    const base = typeof c.hook === 'string';
    t.chains.push({
      name: String(c.name),
      base,
      hook: base ? String(c.hook) : undefined,
      priority: base ? Number(c.prio ?? 0) : undefined,
      type: base ? String(c.type ?? 'filter') : undefined,
      policy: base ? (c.policy === 'drop' ? 'drop' : 'accept') : undefined,
      rules: [],
      origin: at(i),
    });
  });
  let xtSeen = false;
  doc.items.forEach((item, i) => {
    if (!item.rule) return;
    const r = obj(item.rule);
    const fam = String(r.family);
    const t = tables.get(key(fam, String(r.table)));
    if (!t) return;
    const chain = t.chains.find((c) => c.name === r.chain);
    if (!chain) throw new InputError(file, `rule for unknown chain ${String(r.chain)} in table ${t.name}`, at(i).line);
    const ctx: RuleCtx = { file, origin: at(i), sets: (n) => sets.get(`${fam} ${String(r.table)} @${n}`), tableFamily: fam, xt: false };
    const expr = Array.isArray(r.expr) ? (r.expr as J[]) : [];
    const rules = compileRule(expr, ctx, chain.rules.length + 1, typeof r.comment === 'string' ? r.comment : undefined);
    if (ctx.xt) xtSeen = true;
    pushAll(chain.rules, rules);
  });
  if (xtSeen)
    notes.push({ text: 'rules created by iptables-nft contain xt statements whose parameters `nft -j` does not print; give the iptables-save output (or the nft text listing) as well', line: 1, severity: 'opaque' });
  // nft refuses to load a jump or goto to a chain its table does not define, and the kernel refuses a nat
  // statement in a base chain that is not of type nat, or tproxy outside prerouting ("Operation not
  // supported"; `nft -c` does not catch these): such a listing is not real. Read as written, masquerade in a
  // filter chain would accept everything.
  // A regular chain is checked against every base chain that reaches it by jump or goto (verdict maps
  // included): the kernel validates a rule in each of them.
  for (const t of tables.values()) {
    const names = new Set(t.chains.map((c) => c.name));
    for (const c of t.chains)
      for (const r of c.rules)
        if ((r.verdict.kind === 'jump' || r.verdict.kind === 'goto') && r.verdict.target !== undefined && !names.has(r.verdict.target))
          throw new InputError(file, `${r.verdict.kind} to chain ${r.verdict.target}, which table ${t.name} does not define`, r.origin.line);
    const reached = reachingBaseChains(t);
    for (const c of t.chains)
      for (const r of c.rules) {
        const stmt = r.verdict.text.split(' ', 1)[0]!;
        if (!NAT_STATEMENTS.has(stmt) && stmt !== 'tproxy') continue;
        for (const b of reached.get(c.name) ?? []) {
          const where = b === c ? `chain ${c.name} of table ${t.name}` : `chain ${c.name} of table ${t.name}, reached from base chain ${b.name}`;
          if (NAT_STATEMENTS.has(stmt) && b.type !== 'nat')
            throw new InputError(file, `${stmt} in ${where}, whose type is ${b.type}: the kernel accepts nat statements only in chains of type nat, so nft cannot load this ruleset`, r.origin.line);
          const hooks = NAT_HOOKS[stmt]!;
          if (!hooks.includes(b.hook ?? ''))
            throw new InputError(file, `${stmt} in ${where}, on the ${b.hook} hook: the kernel accepts ${stmt} only on ${hooks.join(' and ')}, so nft cannot load this ruleset`, r.origin.line);
        }
      }
  }
  const families = new Set<Family>();
  for (const t of tables.values()) for (const f of t.families) families.add(f);
  return { source, file, backend: 'nf_tables', families: [...families], tables: [...tables.values()], notes };
}

const NAT_STATEMENTS = new Set(['masquerade', 'snat', 'dnat', 'redirect']);

interface RuleCtx {
  file: string;
  origin: Origin;
  sets: (name: string) => NftSet | undefined;
  tableFamily: string;
  xt: boolean;
}

type Field =
  | { kind: 'dst'; family: Family }
  | { kind: 'src'; family: Family }
  | { kind: 'proto'; family?: Family }
  | { kind: 'dport'; proto?: number }
  | { kind: 'sport' }
  | { kind: 'ct' }
  | { kind: 'oif' }
  | { kind: 'iif' }
  | { kind: 'uid' }
  | { kind: 'gid' }
  | { kind: 'nfproto' }
  | { kind: 'opaque'; what: string };

function fieldOf(left: unknown): Field {
  const l = obj(left);
  if (l.payload) {
    const p = obj(l.payload);
    const proto = String(p.protocol ?? '');
    const field = String(p.field ?? '');
    if ((proto === 'ip' || proto === 'ip6') && field === 'daddr') return { kind: 'dst', family: proto === 'ip' ? 'ipv4' : 'ipv6' };
    if ((proto === 'ip' || proto === 'ip6') && field === 'saddr') return { kind: 'src', family: proto === 'ip' ? 'ipv4' : 'ipv6' };
    if ((proto === 'ip' && field === 'protocol') || (proto === 'ip6' && field === 'nexthdr')) return { kind: 'proto', family: proto === 'ip' ? 'ipv4' : 'ipv6' };
    if (field === 'dport') return { kind: 'dport', proto: proto === 'th' ? undefined : PROTO_NUMBERS[proto] };
    if (field === 'sport') return { kind: 'sport' };
    return { kind: 'opaque', what: `${proto} ${field}` };
  }
  if (l.meta) {
    const k = String(obj(l.meta).key);
    if (k === 'l4proto') return { kind: 'proto' };
    if (k === 'oifname' || k === 'oif') return { kind: 'oif' };
    if (k === 'iifname' || k === 'iif') return { kind: 'iif' };
    if (k === 'skuid') return { kind: 'uid' };
    if (k === 'skgid') return { kind: 'gid' };
    if (k === 'nfproto') return { kind: 'nfproto' };
    return { kind: 'opaque', what: `meta ${k}` };
  }
  if (l.ct) {
    const c = obj(l.ct);
    if (c.key === 'state') return { kind: 'ct' };
    return { kind: 'opaque', what: `ct ${String(c.key)}` };
  }
  const k = Object.keys(l)[0] ?? 'expression';
  return { kind: 'opaque', what: k };
}

/** Values on the right of a match, flattened (set references resolved). null = unresolvable. */
function values(right: unknown, ctx: RuleCtx): unknown[] | null {
  if (typeof right === 'string' && right.startsWith('@')) {
    const s = ctx.sets(right.slice(1));
    if (!s) return null;
    return s.elem.map((e) => (obj(e).elem ? obj(obj(e).elem).val : e));
  }
  const r = obj(right);
  if (r.set !== undefined) return (Array.isArray(r.set) ? r.set : [r.set]).map((e) => (obj(e).elem ? obj(obj(e).elem).val : e));
  if (Array.isArray(right)) return right;
  return [right];
}

function addrValue(v: unknown, family: Family): string | null {
  if (typeof v === 'string') {
    const p = parsePrefix(v);
    return p && p.family === family ? v : null;
  }
  const o = obj(v);
  if (o.prefix) {
    const p = obj(o.prefix);
    const s = `${String(p.addr)}/${String(p.len)}`;
    return parsePrefix(s)?.family === family ? s : null;
  }
  if (Array.isArray(o.range)) {
    const s = `${String(o.range[0])}-${String(o.range[1])}`;
    return parseAddressRange(s)?.family === family ? s : null;
  }
  return null;
}

const SERVICES: Record<string, number> = { http: 80, https: 443, domain: 53, ssh: 22, 'domain-s': 853, ntp: 123, smtp: 25, ftp: 21, telnet: 23 };

function portValue(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (typeof v === 'string') {
    if (/^\d+$/.test(v)) return [Number(v), Number(v)];
    const s = SERVICES[v];
    return s === undefined ? null : [s, s];
  }
  const o = obj(v);
  if (Array.isArray(o.range)) {
    const a = portValue(o.range[0]);
    const b = portValue(o.range[1]);
    return a && b ? [a[0], b[1]] : null;
  }
  return null;
}

function protoValue(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return /^\d+$/.test(v) ? Number(v) : PROTO_NUMBERS[v] ?? null;
  return null;
}

function idValue(v: unknown): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (typeof v === 'string' && /^\d+$/.test(v)) return [Number(v), Number(v)];
  const o = obj(v);
  if (Array.isArray(o.range)) {
    const a = idValue(o.range[0]);
    const b = idValue(o.range[1]);
    return a && b ? [a[0], b[1]] : null;
  }
  return null;
}

/** Adds the condition `field op values` to a spec. Returns false if the values cannot be read (opaque). */
function applyField(spec: MatchSpec, f: Field, vals: unknown[], negate: boolean, ctx: RuleCtx, describe: string): void {
  const opaque = (why: string): void => {
    (spec.opaque ??= []).push(`${describe} (${why})`);
  };
  const withFamily = (fam: Family): void => {
    if (ctx.tableFamily === 'inet') {
      if (spec.family && spec.family !== fam) spec.never = true;
      spec.family = fam;
    } else if ((ctx.tableFamily === 'ip' && fam === 'ipv6') || (ctx.tableFamily === 'ip6' && fam === 'ipv4')) spec.never = true;
  };
  const neg = negate ? { negate: true } : {};
  switch (f.kind) {
    case 'dst':
    case 'src': {
      withFamily(f.family);
      const out = vals.map((v) => addrValue(v, f.family));
      if (out.some((x) => x === null)) return opaque('address values not understood');
      spec[f.kind] = { values: out as string[], ...neg };
      return;
    }
    case 'proto': {
      if (f.family) withFamily(f.family);
      const out = vals.map(protoValue);
      if (out.some((x) => x === null)) return opaque('protocol values not understood');
      spec.proto = { values: out as number[], ...neg };
      return;
    }
    case 'dport': {
      const out = vals.map(portValue);
      if (out.some((x) => x === null)) return opaque('port values not understood');
      spec.dport = { values: out as [number, number][], ...neg };
      // A port match implies its transport protocol (`th dport` implies one with ports).
      if (!spec.proto) spec.proto = { values: f.proto !== undefined ? [f.proto] : PORT_PROTOS };
      return;
    }
    case 'sport':
      return opaque('source port');
    case 'ct': {
      const flat = vals.flatMap((v) => (typeof v === 'string' ? v.split(',') : [])).map((s) => s.trim().toLowerCase());
      const states = flat.filter((s): s is CtState => (CT_STATES as readonly string[]).includes(s));
      if (states.length !== flat.length || flat.length === 0) return opaque('conntrack state values not understood');
      spec.ct = { values: states, ...neg };
      return;
    }
    case 'oif':
    case 'iif': {
      const names = vals.map((v) => (typeof v === 'string' ? v : null));
      if (names.some((x) => x === null)) return opaque('interface values not understood');
      spec[f.kind] = { values: names as string[], ...neg };
      return;
    }
    case 'uid':
    case 'gid': {
      const ids = vals.map(idValue);
      if (ids.some((x) => x === null)) return opaque('user/group names; give numeric ids');
      spec[f.kind] = { values: ids as [number, number][], ...neg };
      return;
    }
    case 'nfproto': {
      const fams = vals.map((v) => (v === 'ipv4' ? 'ipv4' : v === 'ipv6' ? 'ipv6' : null));
      if (fams.some((x) => x === null) || fams.length !== 1) return opaque('nfproto values not understood');
      const fam = fams[0] as Family;
      withFamily(negate ? (fam === 'ipv4' ? 'ipv6' : 'ipv4') : fam);
      return;
    }
    case 'opaque':
      return opaque('not modelled');
  }
}

function matchText(m: J): string {
  return JSON.stringify(m).replace(/"/g, '').slice(0, 120);
}

/** One nft rule → NormRules (several when a verdict map dispatches, or a set of concatenations matches). */
function compileRule(expr: J[], ctx: RuleCtx, position: number, comment: string | undefined): NormRule[] {
  let specs: MatchSpec[] = [{}];
  const textParts: string[] = [];
  const out: NormRule[] = [];
  const base = { origin: ctx.origin, index: position };
  const push = (s: MatchSpec[], verdict: RuleVerdict): void => {
    out.push({ match: s.map((x) => ({ ...x })), verdict, text: `${textParts.join(' ')}${comment ? ` comment "${comment}"` : ''}`.trim(), ...base });
  };
  for (const st of expr) {
    if (st.match) {
      const m = obj(st.match);
      const op = String(m.op ?? '==');
      textParts.push(renderMatch(m));
      const negate = op === '!=';
      const left = obj(m.left);
      if (left.concat && Array.isArray(left.concat)) {
        // `ip daddr . tcp dport @svc`: one alternative per element.
        const fields = (left.concat as unknown[]).map(fieldOf);
        const vals = values(m.right, ctx);
        if (!vals || negate) {
          for (const s of specs) (s.opaque ??= []).push(`${matchText(m)} (${vals ? 'negated concatenation' : 'set contents not given'})`);
          continue;
        }
        const next: MatchSpec[] = [];
        for (const s of specs)
          for (const v of vals) {
            const parts = obj(v).concat;
            if (!Array.isArray(parts) || parts.length !== fields.length) {
              next.push({ ...s, opaque: [...(s.opaque ?? []), `${matchText(m)} (element not understood)`] });
              continue;
            }
            const alt: MatchSpec = { ...s };
            fields.forEach((f, k) => applyField(alt, f, [parts[k]], false, ctx, matchText(m)));
            next.push(alt);
          }
        specs = next;
        continue;
      }
      const f = fieldOf(m.left);
      if (op === '==' || op === '!=' || op === 'in') {
        const vals = values(m.right, ctx);
        for (const s of specs) {
          if (!vals) (s.opaque ??= []).push(`${matchText(m)} (set ${String(m.right)} not in the input)`);
          else applyField(s, f, vals, negate, ctx, matchText(m));
        }
      } else if ((op === '<' || op === '>' || op === '<=' || op === '>=') && f.kind === 'dport' && typeof m.right === 'number') {
        const n = m.right;
        const range: [number, number] = op === '<' ? [0, n - 1] : op === '<=' ? [0, n] : op === '>' ? [n + 1, 65535] : [n, 65535];
        for (const s of specs) applyField(s, f, [{ range }], false, ctx, matchText(m));
      } else {
        for (const s of specs) (s.opaque ??= []).push(`${matchText(m)} (operator ${op})`);
      }
      continue;
    }
    if (st.xt) {
      const x = obj(st.xt);
      ctx.xt = true;
      textParts.push(`xt ${String(x.type)} "${String(x.name)}"`);
      if (x.type === 'target') {
        const name = String(x.name);
        const v: RuleVerdict = ['LOG', 'NFLOG', 'MARK', 'CONNMARK', 'TCPMSS', 'CT'].includes(name) ? { kind: 'continue', text: `xt target ${name}` } : { kind: 'unknown', text: `xt target ${name} (parameters not shown by nft -j)` };
        push(specs, v);
        return out;
      }
      for (const s of specs) (s.opaque ??= []).push(`xt match "${String(x.name)}" (iptables-nft extension; nft -j does not print its parameters)`);
      continue;
    }
    if (st.vmap) {
      const vm = obj(st.vmap);
      const f = fieldOf(vm.key);
      textParts.push(`${renderLeft(vm.key)} vmap`);
      const data = obj(vm.data);
      let entries: unknown[] | null = null;
      if (typeof vm.data === 'string' && vm.data.startsWith('@')) {
        const s = ctx.sets(vm.data.slice(1));
        entries = s ? s.elem : null;
      } else if (Array.isArray(data.set)) entries = data.set;
      if (!entries) {
        push(
          specs.map((s) => ({ ...s, opaque: [...(s.opaque ?? []), `verdict map ${String(vm.data)} not in the input`] })),
          { kind: 'unknown', text: 'vmap (map not given)' },
        );
        return out;
      }
      for (const e of entries) {
        const pair = Array.isArray(e) ? e : Array.isArray(obj(e).elem) ? (obj(e).elem as unknown[]) : null;
        if (!pair || pair.length !== 2) continue;
        const v = verdictOf(obj(pair[1]));
        if (!v) continue;
        const alt = specs.map((s) => {
          const c: MatchSpec = { ...s };
          applyField(c, f, [pair[0]], false, ctx, `${renderLeft(vm.key)} ${JSON.stringify(pair[0])}`);
          return c;
        });
        push(alt, v);
      }
      return out;
    }
    const v = verdictOf(st);
    if (v) {
      textParts.push(v.text);
      push(specs, v);
      return out;
    }
    if (st.limit || st.quota || st.meter) {
      for (const s of specs) (s.opaque ??= []).push(`${Object.keys(st)[0]} (rate or quota)`);
      textParts.push(Object.keys(st)[0]!);
      continue;
    }
    // counter, log, meta set, ct set, mangle, set/dynset updates: no effect on the verdict.
    textParts.push(Object.keys(st)[0] ?? '');
  }
  push(specs, { kind: 'continue', text: '(no verdict)' });
  return out;
}

function verdictOf(st: J): RuleVerdict | null {
  if ('accept' in st) return { kind: 'accept', text: 'accept' };
  if ('drop' in st) return { kind: 'drop', text: 'drop' };
  if ('reject' in st) return { kind: 'drop', text: 'reject' };
  if ('return' in st) return { kind: 'return', text: 'return' };
  if ('continue' in st) return { kind: 'continue', text: 'continue' };
  if (st.jump) return { kind: 'jump', target: String(obj(st.jump).target), text: `jump ${String(obj(st.jump).target)}` };
  if (st.goto) return { kind: 'goto', target: String(obj(st.goto).target), text: `goto ${String(obj(st.goto).target)}` };
  if ('queue' in st) return { kind: 'unknown', text: 'queue (decided by a userspace program)' };
  if ('notrack' in st) return { kind: 'notrack', text: 'notrack' };
  if ('masquerade' in st || 'snat' in st) return { kind: 'accept', text: 'masquerade' in st ? 'masquerade' : 'snat' };
  if (st.redirect !== undefined) {
    const port = obj(st.redirect).port;
    const p = typeof port === 'number' ? port : undefined;
    return { kind: 'redirect', text: `redirect${p ? ` to :${p}` : ''}`, to: { addr: 'local', ports: p ? [p, p] : undefined } };
  }
  if (st.tproxy !== undefined) {
    const t = obj(st.tproxy);
    const p = typeof t.port === 'number' ? t.port : undefined;
    return { kind: 'redirect', text: `tproxy${p ? ` to :${p}` : ''}`, to: { addr: typeof t.addr === 'string' ? t.addr : 'local', ports: p ? [p, p] : undefined } };
  }
  if (st.dnat !== undefined) {
    const d = obj(st.dnat);
    const addr = typeof d.addr === 'string' ? d.addr : undefined;
    const p = typeof d.port === 'number' ? d.port : undefined;
    return { kind: 'dnat', text: `dnat to ${addr ?? '?'}${p ? `:${p}` : ''}`, to: { addr, ports: p ? [p, p] : undefined } };
  }
  return null;
}

function renderLeft(l: unknown): string {
  const o = obj(l);
  if (o.payload) return `${String(obj(o.payload).protocol)} ${String(obj(o.payload).field)}`;
  if (o.meta) return `meta ${String(obj(o.meta).key)}`;
  if (o.ct) return `ct ${String(obj(o.ct).key)}`;
  if (Array.isArray(o.concat)) return (o.concat as unknown[]).map(renderLeft).join(' . ');
  return Object.keys(o)[0] ?? '?';
}

function renderRight(r: unknown): string {
  if (typeof r === 'string' || typeof r === 'number') return String(r);
  if (Array.isArray(r)) return r.map(renderRight).join(',');
  const o = obj(r);
  if (o.prefix) return `${String(obj(o.prefix).addr)}/${String(obj(o.prefix).len)}`;
  if (Array.isArray(o.range)) return `${renderRight(o.range[0])}-${renderRight(o.range[1])}`;
  if (o.set !== undefined) return `{ ${(Array.isArray(o.set) ? o.set : [o.set]).map(renderRight).join(', ')} }`;
  if (Array.isArray(o.concat)) return o.concat.map(renderRight).join(' . ');
  return JSON.stringify(r);
}

function renderMatch(m: J): string {
  const op = String(m.op ?? '==');
  return `${renderLeft(m.left)}${op === '==' || op === 'in' ? '' : ` ${op}`} ${renderRight(m.right)}`;
}
