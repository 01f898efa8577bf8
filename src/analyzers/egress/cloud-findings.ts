import type { CloudScope } from '../../inputs/cloud/rules.js';
import { analyzeHost, type Allowlist, type EgressFinding, type HostAnalysis } from './analyze.js';
import type { PathNote } from './cloud-interfaces.js';
import { interfacePathsAlone, type ScopeRef } from './paths.js';

/** A note about a context's path as an `egress-input-opaque` warning (incomplete input never passes silently). */
export function noteFinding(note: PathNote, context: string): EgressFinding {
  return {
    code: 'opaque',
    verdict: 'warn',
    context,
    family: null,
    message: `${context}: ${note.text}`,
    location: note.origin,
    key: `${context}|note|${note.key}`,
    evidence: { context, note: note.text },
  };
}

/**
 * AWS network interfaces on no context's path, each judged alone on its own path: the union of its
 * security groups ∩ its subnet's network ACL ∩ its subnet's route table. `used`: the scopes judged
 * there (not again alone).
 */
export function analyzeInterfacesAlone(scopes: readonly ScopeRef[], onPath: ReadonlySet<CloudScope>, allowlist: Allowlist): { label: string; analysis: HostAnalysis; used: ScopeRef[] }[] {
  return interfacePathsAlone(scopes, onPath).map(({ label, path }) => {
    // The layers go in as path layers: they are then named by their scope (`AWS route table rtb-…`), not as `cloud`.
    const analysis = analyzeHost({ rulesets: [], contexts: [{ kind: 'host-process', name: label, origin: label.startsWith('GCP') ? 'an instance in the scan' : 'a network interface in the scan' }], allowlist, pathLayers: () => path.rulesets });
    analysis.findings.push(...path.notes.map((n) => noteFinding(n, label)));
    return { label, analysis, used: path.used };
  });
}
