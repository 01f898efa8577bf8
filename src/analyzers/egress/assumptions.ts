import type { EgressConfig } from '../../config/types.js';

/**
 * What the egress verdict takes on the user's word rather than from evidence. Printed wherever the
 * egress-control verdict is given (the checklist item's note in every report format, `--explain`), so
 * that a reader sees that IPv6 counts as closed because sandcheck.yaml says so.
 */
export function egressAssumptions(cfg: EgressConfig | undefined): string[] {
  const out: string[] = [];
  if (cfg?.ipv6 === 'disabled') out.push('assumption: IPv6 is disabled on the sandbox hosts (egress.ipv6: disabled in sandcheck.yaml, an assertion, not evidence); IPv6 egress was not judged (except on a host whose sysctl shows IPv6 on)');
  if (cfg?.dns?.resolverFiltersNames === true)
    out.push('assumption: the DNS resolvers answer only for the allowlisted names (egress.dns.resolverFiltersNames: true in sandcheck.yaml, an assertion, not evidence); data sent out in DNS query names through them was not judged');
  return out;
}
