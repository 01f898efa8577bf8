/** The `egress:` section of sandcheck.yaml (docs/egress.md). Owned by the egress capability. */

const cidr = { type: 'string', pattern: '^[0-9a-fA-F:.]+(/\\d{1,3})?$', description: 'An IPv4 or IPv6 address or CIDR block.' };
const proto = { type: 'string', enum: ['tcp', 'udp', 'sctp', 'icmp', 'icmpv6', 'any'], description: 'L4 protocol (default tcp; `any` = every protocol).' };
const ports = {
  type: 'array',
  items: { type: 'integer', minimum: 1, maximum: 65535 },
  description: 'Destination ports; omitted = every port of the protocol.',
};

const endpoint = (what: string) => ({
  type: 'object',
  additionalProperties: false,
  required: ['cidr'],
  description: what,
  properties: { cidr, proto, ports, name: { type: 'string', description: 'A label shown in findings.' } },
});

export const EGRESS_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  description: 'Egress allowlist and sandbox contexts (docs/egress.md).',
  properties: {
    contexts: {
      type: 'array',
      description: 'Who the sandbox is. Without it, every context found in the inputs is judged.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['kind'],
        properties: {
          kind: { enum: ['host-process', 'container', 'pod'], description: 'host-process: iptables/nft OUTPUT path; container: FORWARD path of a bridge; pod: Kubernetes pods.' },
          uid: { type: 'integer', minimum: 0, description: 'host-process: the uid the sandbox runs as (decides `-m owner` / `meta skuid` rules).' },
          gid: { type: 'integer', minimum: 0, description: 'host-process: the gid the sandbox runs as.' },
          interface: { type: 'string', description: 'container or pod: the interface its traffic enters the host or node by (docker0, br-…, cali+ / lxc+ for pods; a trailing + or * is a prefix).' },
          sourceCidr: { ...cidr, description: 'container or pod: the subnet its addresses come from (decides `-s` rules of the host or node filter).' },
          namespace: { type: 'string', description: 'pod: the namespace.' },
          labels: { type: 'object', additionalProperties: { type: 'string' }, description: 'pod: labels of the sandbox pods.' },
          behind: {
            type: 'array',
            items: { type: 'string' },
            description:
              'Layers on this context\'s path: cloud firewall scopes by the id or name the inputs list them with (security group sg-…, network ACL acl-…, an AWS network interface eni-… or instance i-… with its groups, its subnet\'s network ACL and route table, GCP network name, Azure NSG name), and for pods the node\'s packet filter by its dump\'s file name, path or directory. The context is judged on the intersection of its layers: the host or pod policy, the node\'s filter and these (security groups unioned, as on one interface). Without it, the listings in a host\'s directory are on its path, and the dumps in a workload file\'s directory are its node\'s.',
          },
        },
      },
    },
    allow: {
      type: 'array',
      description: 'The endpoints the tools need.',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          cidr,
          host: { type: 'string', description: 'Host name; used by FQDN-based layers (Cilium toFQDNs). IP-based layers need cidr.' },
          proto,
          ports,
          name: { type: 'string', description: 'A label shown in findings.' },
        },
        anyOf: [{ required: ['cidr'] }, { required: ['host'] }],
      },
    },
    internal: { type: 'array', description: 'Private services the sandbox may reach (listed, not failed).', items: endpoint('One internal service.') },
    dns: {
      type: 'object',
      additionalProperties: false,
      description: 'DNS resolvers the sandbox may query.',
      properties: {
        resolvers: { type: 'array', items: cidr, description: 'Resolver addresses; DNS (53, 853) anywhere else is a finding.' },
        resolverFiltersNames: { type: 'boolean', description: 'true only if the resolvers answer for the allowlisted names alone (a filtering DNS proxy); otherwise reaching them lets a context exfiltrate data in query names (a warning when the allowlist lists hosts).' },
      },
    },
    ipv6: { enum: ['auto', 'disabled'], description: '`disabled` asserts that IPv6 is off on the sandbox hosts (printed as an assumption); `auto` (default) judges IPv6 rules as found.' },
  },
} as const;
