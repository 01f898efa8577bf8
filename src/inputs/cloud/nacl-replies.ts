import { FAMILIES, addressSet, rangeToCidrs, type Family } from '../../analyzers/egress/address.js';
import { DPORT, DST, PROTO, Space, cubeOf } from '../../analyzers/egress/header-space.js';
import { IntervalSet } from '../../analyzers/egress/interval-set.js';
import type { MatchSpec, NormRule, Origin } from '../../analyzers/egress/model.js';

/**
 * Network ACLs are stateless: the reply to an outbound TCP/UDP connection to D:p is an inbound packet
 * from D (source port p) to the instance's ephemeral port, and the ACL's inbound entries judge it again.
 * An outbound flow works only if that reply is allowed too. Inbound entries match the source CIDR, the
 * protocol and the destination port (here: the ephemeral port), never the source port.
 *
 * Which ephemeral port the instance picks is not known; Linux picks from 32768-60999, other systems and
 * NAT gateways from up to 1024-65535. So, per (destination, protocol) of the outbound flow:
 * - the reply certainly passes when every port of 32768-60999 is allowed;
 * - it certainly fails when no port of 1024-65535 is allowed;
 * - in between it depends on the port (an opaque match: possible, not certain).
 *
 * The result is a list of DROP rules put before the ACL's outbound entries (a flow must pass both), each
 * located at the inbound entry that denies the reply.
 */

export interface InboundEntry {
  cidr: string;
  /** Protocol numbers, or every protocol (`-1`). */
  proto: number[] | 'all';
  /** Destination port range (the ephemeral port of the reply); absent: every port. */
  ports?: [number, number];
  allow: boolean;
  ruleNumber: number;
  origin: Origin;
}

// Built on first use: a scan without network ACLs does not pay for them at start-up.
let sets: { tcpUdp: IntervalSet; ephemeral: IntervalSet; linux: IntervalSet } | undefined;
const SETS = () =>
  (sets ??= {
    tcpUdp: IntervalSet.of([
      [6n, 6n],
      [17n, 17n],
    ]),
    ephemeral: IntervalSet.range(1024n, 65535n),
    linux: IntervalSet.range(32768n, 60999n),
  });

const pairs = (s: Space): Space => s.project([DST, PROTO]);

/** Outbound (destination, protocol) pairs of a space as MatchSpecs of one family. */
function specsOf(family: Family, s: Space): MatchSpec[] {
  return s.cubes.map((c) => {
    const dst = [...c[DST]!.ranges()].flatMap(([lo, hi]) => rangeToCidrs(family, lo, hi));
    const proto: number[] = [];
    for (const [lo, hi] of c[PROTO]!.ranges()) for (let p = lo; p <= hi; p++) proto.push(Number(p));
    return { family, dst: { values: dst }, proto: { values: proto } };
  });
}

/**
 * The reply rules of one ACL. `inbound`: its `Egress: false` entries in rule-number order. `implicit`:
 * where the ACL is located, for replies no entry decides (the `*` rule denies them even when the listing
 * leaves it out).
 */
export function replyRules(inbound: readonly InboundEntry[], implicit: Origin): NormRule[] {
  const out: NormRule[] = [];
  const { tcpUdp, ephemeral, linux: linuxPorts } = SETS();
  for (const family of FAMILIES) {
    const universe = Space.of(family, [cubeOf(family, { [PROTO]: tcpUdp, [DPORT]: ephemeral })]);
    let rest = universe;
    let allowed = Space.empty(family);
    const denials: { by: InboundEntry | null; space: Space }[] = [];
    for (const e of inbound) {
      const src = addressSet(family, [e.cidr]);
      if (src.isEmpty() || rest.isEmpty()) continue;
      const dims: Partial<Record<number, IntervalSet>> = { [DST]: src };
      if (e.proto !== 'all') {
        dims[PROTO] = IntervalSet.of(e.proto.map((p) => [BigInt(p), BigInt(p)]));
        if (e.ports) dims[DPORT] = IntervalSet.range(BigInt(e.ports[0]), BigInt(e.ports[1]));
      }
      const [hit, left] = rest.splitCube(cubeOf(family, dims));
      if (hit.isEmpty()) continue;
      if (e.allow) allowed = allowed.union(hit);
      else denials.push({ by: e, space: hit });
      rest = left;
    }
    if (!rest.isEmpty()) denials.push({ by: null, space: rest });
    const linux = cubeOf(family, { [DPORT]: linuxPorts });
    const deniedOnLinux = denials.map((d) => ({ by: d.by, pairs: pairs(d.space.intersectCube(linux)) })).filter((d) => !d.pairs.isEmpty());
    const all = pairs(universe);
    const may = pairs(allowed);
    const must = deniedOnLinux.reduce((s, d) => s.subtract(d.pairs), all);
    const never = all.subtract(may);
    const partial = may.subtract(must);
    // Each part is reported at the first inbound entry that denies the reply on a Linux ephemeral port.
    for (const [space, certain] of [
      [never, true],
      [partial, false],
    ] as const) {
      let left = space;
      for (const d of deniedOnLinux) {
        const mine = left.intersect(d.pairs);
        if (mine.isEmpty()) continue;
        left = left.subtract(mine);
        const who = d.by ? `inbound rule ${d.by.ruleNumber} ${d.by.allow ? 'allow' : 'deny'} ${d.by.cidr}` : 'the implicit inbound * deny';
        const text = certain
          ? `reply dropped by ${who} (NACLs are stateless: no ephemeral port of 1024-65535 is open to the reply)`
          : `reply dropped by ${who} on part of the ephemeral ports (NACLs are stateless)`;
        const specs = specsOf(family, mine);
        if (!certain) for (const s of specs) s.opaque = [`which ephemeral port the connection uses (the reply passes on part of 1024-65535 only; Linux uses 32768-60999)`];
        out.push({ match: specs, verdict: { kind: 'drop', text }, origin: d.by?.origin ?? implicit, text, index: d.by?.ruleNumber ?? 32767 });
      }
    }
  }
  return out;
}
