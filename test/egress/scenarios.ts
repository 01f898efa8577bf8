import type { Allowlist } from '../../src/analyzers/egress/analyze.js';
import type { EgressContext } from '../../src/analyzers/egress/model.js';

/**
 * Rule sets built with the real iptables / ip6tables / nft inside a throw-away network namespace (see
 * kernel.test.ts), and what sandcheck must conclude from what the kernel prints back. The same outputs
 * are committed under fixtures/egress/kernel/<name>/ for machines without root.
 *
 * `expect` lists `code verdict family` for every finding, sorted; `paths` are substrings that must appear
 * in the rule path of the finding with that code.
 */
export interface Scenario {
  name: string;
  trap: string;
  /** Shell run inside the namespace (iptables, ip6tables, nft). */
  setup: string;
  allowlist: Allowlist;
  contexts?: EgressContext[];
  /** Which saved forms are judged: iptables-save + ip6tables-save, nft -j, nft text. */
  forms: ('iptables' | 'nft-json' | 'nft-text')[];
  expect: string[];
  /** Expectations that differ for the nft forms (iptables-nft rules seen through nft). */
  expectNft?: string[];
  paths?: Record<string, string>;
  witness?: Record<string, string>;
  /** Judge the iptables form together with the `ipset save` output of the namespace. */
  withIpset?: boolean;
}

const ANTHROPIC: Allowlist = { allow: [{ cidr: '160.79.104.0/23', proto: 'tcp', ports: [443] }], internal: [], resolvers: ['10.96.0.10'], ipv6: 'auto' };
const NONE: Allowlist = { allow: [], internal: [], resolvers: [], ipv6: 'auto' };

const LOCKED_V6 = `ip6tables -P OUTPUT DROP
ip6tables -A OUTPUT -o lo -j ACCEPT
ip6tables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`;

const BASE_V4 = `iptables -P OUTPUT DROP
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`;

export const SCENARIOS: Scenario[] = [
  {
    name: 'v4-locked-v6-empty',
    trap: 'ip6tables is a separate ruleset; an empty one leaves IPv6 open',
    setup: `${BASE_V4}
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
iptables -A OUTPUT -d 10.96.0.10/32 -p udp --dport 53 -j ACCEPT`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['ipv6-open fail ipv6'],
    witness: { 'ipv6-open': 'IPv6 tcp → [2606:4700::1111]:443, new connection' },
  },
  {
    name: 'xt-opaque-in-nft-json',
    trap: 'nft -j prints iptables-nft matches as xt statements without parameters: unknown, never a pass',
    setup: `${BASE_V4}
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['nft-json'],
    expect: [
      'allow-any warn ipv4', 'allow-any warn ipv6', 'dns warn ipv4', 'dns warn ipv6', 'internal warn ipv4', 'internal warn ipv6',
      // No required-blocked: 160.79.104.0/23 tcp/443 is accepted whichever way the xt match goes (by the xt
      // rule if it matches, by the next rule if not).
      'metadata warn ipv4', 'metadata warn ipv6', 'opaque warn -', 'opaque warn ipv4', 'opaque warn ipv6',
    ],
    witness: { 'allow-any': 'IPv4 tcp → 198.51.100.7:443, new connection' },
    paths: { 'allow-any': 'ip filter/OUTPUT #2 accept (nft.json:1)' },
  },
  {
    name: 'user-chain-accept',
    trap: 'an ACCEPT in a user chain reached by jump beats a later DROP in the caller',
    setup: `${BASE_V4}
iptables -N SANDBOX-EGRESS
iptables -A OUTPUT -j SANDBOX-EGRESS
iptables -A OUTPUT -j DROP
iptables -A SANDBOX-EGRESS -d 10.96.0.10/32 -p udp --dport 53 -j ACCEPT
iptables -A SANDBOX-EGRESS -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
iptables -A SANDBOX-EGRESS -d 198.51.100.0/24 -p tcp -m multiport --dports 443,8443 -j ACCEPT
iptables -A SANDBOX-EGRESS -j RETURN
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['excess fail ipv4'],
    expectNft: ['excess fail ipv4'],
    paths: { excess: 'filter/OUTPUT #3 → SANDBOX-EGRESS #3 ACCEPT' },
    witness: { excess: 'IPv4 tcp → 198.51.100.7:443, new connection' },
  },
  {
    name: 'split-allow-any',
    trap: '0.0.0.0/1 + 128.0.0.0/1 is allow-any although no rule says 0.0.0.0/0',
    setup: `${BASE_V4}
iptables -A OUTPUT -d 0.0.0.0/1 -j ACCEPT
iptables -A OUTPUT -d 128.0.0.0/1 -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['allow-any fail ipv4', 'dns fail ipv4', 'internal warn ipv4', 'metadata fail ipv4'],
    paths: { 'allow-any': 'filter/OUTPUT #4 ACCEPT', metadata: 'filter/OUTPUT #4 ACCEPT', dns: 'filter/OUTPUT #3 ACCEPT' },
    witness: { metadata: 'IPv4 tcp → 169.254.169.254:80, new connection', dns: 'IPv4 tcp → 8.8.8.8:53' },
  },
  {
    name: 'return-in-builtin',
    trap: 'RETURN in a built-in chain applies the policy (ACCEPT), skipping the DROP below it',
    setup: `iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
iptables -A OUTPUT -j RETURN
iptables -A OUTPUT -j DROP
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['dns fail ipv4', 'internal warn ipv4', 'metadata fail ipv4', 'no-default-deny fail ipv4'],
    paths: { 'no-default-deny': 'filter/OUTPUT #3 RETURN → OUTPUT policy ACCEPT' },
  },
  {
    name: 'goto-falls-to-policy',
    trap: 'a goto from a built-in chain that falls off its target applies the built-in policy, not the DROP after it',
    setup: `iptables -N UDP-CHECK
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
iptables -A OUTPUT -p udp -g UDP-CHECK
iptables -A OUTPUT -j DROP
iptables -A UDP-CHECK -d 10.96.0.10/32 -p udp --dport 53 -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    // Only UDP gets out: the metadata services answer on tcp/80 alone.
    expect: ['dns fail ipv4', 'internal warn ipv4', 'no-default-deny fail ipv4'],
    witness: { 'no-default-deny': 'IPv4 udp → 198.51.100.7:' },
    paths: { 'no-default-deny': 'filter/OUTPUT #3 → OUTPUT policy ACCEPT' },
  },
  {
    name: 'established-only',
    trap: 'an ESTABLISHED/RELATED accept is not allow-any: it admits no new connection',
    setup: `${BASE_V4}
${LOCKED_V6}`,
    allowlist: NONE,
    forms: ['iptables', 'nft-text'],
    expect: [],
  },
  {
    name: 'notrack-bypass',
    trap: 'a raw NOTRACK makes packets UNTRACKED, which `! --ctstate NEW` accepts',
    setup: `iptables -t raw -A OUTPUT -d 203.0.113.0/24 -j CT --notrack
iptables -P OUTPUT DROP
iptables -A OUTPUT -o lo -j ACCEPT
iptables -A OUTPUT -m conntrack ! --ctstate NEW -j ACCEPT
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['dns fail ipv4', 'excess fail ipv4'],
    witness: { excess: '203.0.113.7:443, untracked' },
    paths: { excess: 'filter/OUTPUT #2 ACCEPT' },
  },
  {
    name: 'docker-forward',
    trap: 'containers go through FORWARD: a host OUTPUT DROP does nothing for them',
    setup: `${BASE_V4}
iptables -A OUTPUT -d 160.79.104.0/23 -p tcp --dport 443 -j ACCEPT
iptables -P FORWARD DROP
iptables -N DOCKER-USER
iptables -N DOCKER-FORWARD
iptables -A FORWARD -j DOCKER-USER
iptables -A FORWARD -j DOCKER-FORWARD
iptables -A DOCKER-USER -j RETURN
iptables -A DOCKER-FORWARD -i docker0 -j ACCEPT
ip6tables -P FORWARD DROP
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables', 'nft-text'],
    expect: ['allow-any fail ipv4', 'dns fail ipv4', 'internal warn ipv4', 'metadata fail ipv4'],
    paths: { 'allow-any': 'filter/FORWARD #1 → DOCKER-USER #1 RETURN → FORWARD #2 → DOCKER-FORWARD #1 ACCEPT' },
  },
  {
    name: 'oif-drop-only',
    trap: '`-o eth0 -j DROP` only covers eth0; other interfaces fall to policy ACCEPT',
    setup: `iptables -A OUTPUT -o eth0 -j DROP
${LOCKED_V6}`,
    allowlist: NONE,
    forms: ['iptables', 'nft-text'],
    expect: ['dns fail ipv4', 'internal warn ipv4', 'metadata fail ipv4', 'no-default-deny fail ipv4'],
    witness: { 'no-default-deny': 'via an interface other than eth0' },
  },
  {
    name: 'proxy-redirect',
    trap: 'a nat REDIRECT sends tcp/443 to a local proxy; filter must not judge the original destination',
    setup: `iptables -t nat -A OUTPUT -p tcp --dport 443 -m owner --uid-owner 1000 -j REDIRECT --to-ports 3128
${BASE_V4}
iptables -A OUTPUT -m owner --uid-owner 13 -p tcp --dport 443 -j ACCEPT
${LOCKED_V6}`,
    allowlist: NONE,
    contexts: [{ kind: 'host-process', uid: 1000 }],
    forms: ['iptables', 'nft-text'],
    expect: ['delegated warn ipv4'],
  },
  {
    name: 'ipset-unknown',
    trap: '`-m set` without the ipset contents is unknown, never a pass',
    setup: `ipset create allowed hash:net
ipset add allowed 160.79.104.0/23
${BASE_V4}
iptables -A OUTPUT -m set --match-set allowed dst -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables'],
    expect: ['allow-any warn ipv4', 'dns warn ipv4', 'metadata warn ipv4', 'internal warn ipv4', 'opaque warn ipv4', 'required-blocked warn ipv4'].sort(),
  },
  {
    name: 'ipset-given',
    trap: 'with `ipset save` output the set is resolved: only the set members are reachable (on every port)',
    setup: `ipset create allowed hash:net
ipset add allowed 160.79.104.0/23
ipset add allowed 160.79.105.0/24 nomatch
${BASE_V4}
iptables -A OUTPUT -m set --match-set allowed dst -j ACCEPT
${LOCKED_V6}`,
    allowlist: ANTHROPIC,
    forms: ['iptables'],
    withIpset: true,
    // Every port of the set members: DNS to them too (they are not the declared resolver).
    expect: ['dns fail ipv4', 'excess warn ipv4', 'required-blocked warn ipv4'],
    witness: { excess: 'IPv4 tcp → 160.79.104.1:80', 'required-blocked': '160.79.105.1:443' },
    paths: { excess: 'filter/OUTPUT #3 ACCEPT', 'required-blocked': 'filter/OUTPUT policy DROP' },
  },
  {
    name: 'nft-inet-ip-only-drop',
    trap: 'in an inet table `ip daddr 0.0.0.0/0 drop` never matches IPv6',
    setup: `nft -f - <<'EOF'
table inet sandbox {
  chain output {
    type filter hook output priority filter; policy accept;
    oifname "lo" accept
    ct state established,related accept
    ip daddr 160.79.104.0/23 tcp dport 443 accept
    ip daddr 0.0.0.0/0 drop
  }
}
EOF`,
    allowlist: ANTHROPIC,
    forms: ['nft-json', 'nft-text'],
    expect: ['dns fail ipv6', 'internal warn ipv6', 'ipv6-open fail ipv6', 'metadata fail ipv6'],
    expectNft: ['dns fail ipv6', 'internal warn ipv6', 'ipv6-open fail ipv6', 'metadata fail ipv6'],
    paths: { 'ipv6-open': 'inet sandbox/output policy ACCEPT' },
  },
  {
    name: 'nft-two-base-chains',
    trap: 'accept ends only its own base chain; a later base chain on the same hook can still drop',
    setup: `nft -f - <<'EOF'
table inet a {
  chain out {
    type filter hook output priority 0; policy accept;
    ip daddr 198.51.100.0/24 accept
  }
}
table inet b {
  chain out {
    type filter hook output priority 10; policy drop;
    oifname "lo" accept
    ct state established,related accept
    ip daddr 160.79.104.0/23 tcp dport 443 accept
  }
}
EOF`,
    allowlist: ANTHROPIC,
    forms: ['nft-json', 'nft-text'],
    expect: [],
  },
  {
    name: 'nft-sets-vmap',
    trap: 'named interval sets, concatenations and a verdict map with goto',
    setup: `nft -f - <<'EOF'
table inet sandbox {
  set allowed_v4 { type ipv4_addr; flags interval; elements = { 160.79.104.0/23, 203.0.113.10 } }
  set svc { type ipv4_addr . inet_service; elements = { 198.51.100.7 . 8443 } }
  chain egress_udp {
    ip daddr 10.96.0.10 udp dport 53 accept
  }
  chain output {
    type filter hook output priority filter - 10; policy drop;
    oifname "lo" accept
    ct state established,related accept
    ip daddr @allowed_v4 tcp dport { 443, 8000-8080 } accept
    ip daddr . tcp dport @svc accept
    meta l4proto vmap { udp : goto egress_udp, icmp : accept }
  }
}
EOF`,
    allowlist: { ...ANTHROPIC, allow: [...ANTHROPIC.allow, { cidr: '203.0.113.10/32', proto: 'tcp', ports: [443] }] },
    forms: ['nft-json', 'nft-text'],
    // ICMP to anywhere: allow-any, but no metadata service answers ICMP (they serve tcp/80).
    expect: ['allow-any fail ipv4', 'allow-any fail ipv6', 'internal warn ipv4', 'internal warn ipv6'],
    paths: { 'allow-any': 'inet sandbox/output #5 accept' },
  },
];
