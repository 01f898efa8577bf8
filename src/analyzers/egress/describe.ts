import { ADDR_MAX, formatAddress, formatAddressSet, type Family } from './address.js';
import type { InterfaceAtoms } from './compile.js';
import { CT, CT_STATES, DPORT, DST, OIF, PORT_MAX, PORT_PROTOS, PROTO, PROTO_MAX, protoName, type Cube, type Flow, type Space } from './header-space.js';
import type { IntervalSet } from './interval-set.js';

export function familyLabel(f: Family): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** `443`, `80,443,8000-8100`, `all ports`: the port notation of every egress message. */
export function formatPorts(s: IntervalSet): string {
  if (s.lo[0] === 0n && s.hi[0] === PORT_MAX && s.count === 1) return 'all ports';
  const parts = [...s.ranges()].map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  return parts.length > 8 ? `${parts.slice(0, 8).join(',')},…` : parts.join(',');
}

function formatProtos(s: IntervalSet): string {
  if (s.lo[0] === 0n && s.hi[0] === PROTO_MAX && s.count === 1) return 'any protocol';
  if (s.size() > 128n) return `any protocol but ${formatProtos(s.complement(PROTO_MAX))}`;
  const names: string[] = [];
  for (const [a, b] of s.ranges()) {
    if (b - a > 4n) names.push(`protocols ${a}-${b}`);
    else for (let p = a; p <= b; p++) names.push(protoName(Number(p)));
  }
  return names.length > 6 ? `${names.length} protocols` : names.join('/');
}

/**
 * `160.79.104.0/23 tcp/443`, `0.0.0.0/0 any protocol`. One line per destination set, at most `limit`: cubes
 * with the same destinations (and interfaces) share a line, their protocols and ports joined
 * (`10.0.0.0/8 any protocol but tcp/80`, not the address list once for "any protocol but tcp" and again for
 * "tcp/0-79,81-65535").
 */
export function describeSpace(space: Space, atoms?: InterfaceAtoms, limit = 8): string[] {
  const groups = new Map<string, Cube[]>();
  for (const c of space.cubes) {
    const key = `${c[DST]!.key}|${c[OIF]!.key}|${c[CT]!.key}`;
    const g = groups.get(key);
    if (g) g.push(c);
    else groups.set(key, [c]);
  }
  const lines: string[] = [];
  for (const g of groups.values()) {
    lines.push(describeGroup(space.family, g, atoms));
    if (lines.length >= limit) {
      if (groups.size > limit) lines.push(`… and ${groups.size - limit} more`);
      break;
    }
  }
  return lines;
}

function describeGroup(family: Family, g: Cube[], atoms?: InterfaceAtoms): string {
  if (g.length === 1) return describeCube(family, g[0]!, atoms);
  const [head, l4] = splitL4(family, g[0]!, atoms);
  // Every protocol and port but some ports of one protocol: said as such.
  if (g.length === 2) {
    const [a, b] = isAllBut(g[0]!, g[1]!) ? [g[0]!, g[1]!] : isAllBut(g[1]!, g[0]!) ? [g[1]!, g[0]!] : [null, null];
    if (a && b) return `${head} any protocol but ${protoName(Number(b[PROTO]!.lo[0]!))}/${formatPorts(b[DPORT]!.complement(PORT_MAX))}`;
  }
  return `${head} ${[l4, ...g.slice(1).map((c) => splitL4(family, c, atoms)[1])].join(', ')}`;
}

/** `all` covers every protocol but one on every port, and `one` is that protocol on some of its ports. */
function isAllBut(all: Cube, one: Cube): boolean {
  const p = one[PROTO]!;
  if (p.count !== 1 || p.lo[0] !== p.hi[0] || !PORT_PROTOS.includes(Number(p.lo[0]))) return false;
  const everyPort = all[DPORT]!.count === 1 && all[DPORT]!.lo[0] === 0n && all[DPORT]!.hi[0] === PORT_MAX;
  return everyPort && all[PROTO]!.equals(p.complement(PROTO_MAX));
}

/** A cube's text as [destinations and interface, protocols and ports]. */
function splitL4(family: Family, c: Cube, atoms?: InterfaceAtoms): [string, string] {
  const text = describeCube(family, c, atoms);
  const dst = formatAddressSet(family, c[DST]!);
  const rest = text.slice(dst.length + 1);
  const via = / via .*$| \(untracked\)$/.exec(rest);
  return via ? [`${dst}${via[0]}`, rest.slice(0, via.index)] : [dst, rest];
}

export function describeCube(family: Family, c: Cube, atoms?: InterfaceAtoms): string {
  const dst = formatAddressSet(family, c[DST]!);
  const protos = c[PROTO]!;
  const onlyPortProtos = [...protos.ranges()].every(([a, b]) => {
    for (let p = a; p <= b; p++) if (!PORT_PROTOS.includes(Number(p))) return false;
    return true;
  });
  let l4 = formatProtos(protos);
  if (onlyPortProtos) l4 += `/${formatPorts(c[DPORT]!)}`;
  else if (!(c[DPORT]!.lo[0] === 0n && c[DPORT]!.hi[0] === PORT_MAX)) l4 += ` (tcp/udp ports ${formatPorts(c[DPORT]!)})`;
  let extra = '';
  const oif = c[OIF]!;
  if (atoms && !(oif.count === 1 && oif.hi[0]! >= BigInt(atoms.atoms.length) && oif.lo[0]! <= 0n)) {
    const named = [...oif.ranges()].flatMap(([a, b]) => {
      const out: string[] = [];
      for (let i = a; i <= b && i < BigInt(atoms.atoms.length); i++) out.push(atoms.label(Number(i)));
      if (b >= BigInt(atoms.atoms.length)) out.push('other interfaces');
      return out;
    });
    extra = ` via ${named.join(',')}`;
  }
  const ct = c[CT]!;
  if (ct.count === 1 && ct.lo[0] === ct.hi[0] && ct.lo[0] === 4n) extra += ' (untracked)';
  return `${dst} ${l4}${extra}`;
}

/**
 * `IPv4 tcp → 198.51.100.7:8443, new connection`. `hidden`: interfaces (atom indices) the text leaves out
 * unless the flow really leaves by one of them (a host process's flow never comes from a bridge, so the
 * bridges are not named in "an interface other than …").
 */
export function formatFlow(f: Flow, atoms?: InterfaceAtoms, hidden: ReadonlySet<number> = new Set()): string {
  const addr = formatAddress(f.family, f.dst);
  const host = f.family === 'ipv6' && f.dport !== null ? `[${addr}]` : addr;
  let oif = '';
  if (atoms && hidden.size > 0 && f.oif >= atoms.atoms.length) {
    const shown = atoms.atoms.filter((a, i) => a.name !== 'lo' && !hidden.has(i)).map((a) => (a.prefix ? `${a.name}*` : a.name));
    if (shown.length) oif = ` via an interface other than ${shown.join(', ')}`;
  } else if (atoms && atoms.atoms.some((a) => a.name !== 'lo')) oif = ` via ${atoms.label(f.oif)}`;
  const ct = f.ct === 'untracked' ? 'untracked (conntrack disabled by a raw rule)' : `${f.ct} connection`;
  return `${familyLabel(f.family)} ${protoName(f.proto)} → ${host}${f.dport !== null ? `:${f.dport}` : ''}${oif}, ${ct}`;
}

export function isAllAddresses(family: Family, s: IntervalSet): boolean {
  return s.count === 1 && s.lo[0] === 0n && s.hi[0] === ADDR_MAX[family];
}

export { CT_STATES };
