import { commonDropReason } from '../../analyzers/secrets/false-positives.js';
import { fingerprint } from '../../analyzers/secrets/fingerprint.js';
import { secretsOf } from '../../analyzers/secrets/targets.js';
import type { SecretObjectData } from '../../model/secret-object.js';
import { locate, pointerOf } from '../../model/target.js';
import { NOT_APPLICABLE, type RuleFunction, type Violation } from '../types.js';

/** Nothing but PEM blocks of public material (certificates, CA bundles, public keys, CRLs): not a secret value. */
const PUBLIC_PEM_ONLY = /^(?:\s*-----BEGIN (CERTIFICATE|TRUSTED CERTIFICATE|PUBLIC KEY|X509 CRL)-----[A-Za-z0-9+/=\s]{1,65536}-----END \1-----)+\s*$/;

/**
 * A Kubernetes Secret manifest committed with values is a key in a file, whatever the values look
 * like. Public certificates (`tls.crt`, `ca.crt`) are not secret values. Entries a high-confidence detector already reports (a provider format, a named Anthropic key) are left
 * to that rule; SOPS-encrypted manifests and sealed/external secrets hold no values and pass.
 */
export const committedSecretValues: RuleFunction<Record<string, never>> = {
  name: 'committedSecretValues',
  description: 'Kubernetes Secret manifests that carry literal values in data or stringData.',
  options: { type: 'object', additionalProperties: false, properties: {} },
  run(_node, _options, ctx) {
    const data = ctx.target.data as SecretObjectData;
    if (data.objectKind !== 'Secret') return NOT_APPLICABLE;
    if (data.sops) return [];
    const reported = new Set(secretsOf(ctx.target).filter((s) => s.detector !== 'generic-secret').map((s) => s.pointer));
    const out: Violation[] = [];
    data.entries.forEach((e, i) => {
      const pointer = pointerOf('entries', i, 'value');
      if (e.value === null || reported.has(pointer) || commonDropReason(e.value) !== null || PUBLIC_PEM_ONLY.test(e.value)) return;
      const fp = fingerprint(e.value.trim());
      out.push({
        pointer,
        location: locate(ctx.target, pointer),
        key: fp,
        data: { name: e.key, field: e.field, fingerprint: fp },
        evidence: { fingerprint: fp, name: e.key, field: e.field },
      });
    });
    return out;
  },
};
