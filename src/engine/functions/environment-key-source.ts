import { projectDotenv } from '../../inputs/compose/pairs.js';
import { composeKeySources } from '../../analyzers/compose-key-source.js';
import { reportableSecretsOf } from '../../analyzers/secrets/targets.js';
import type { ComposeContainerData } from '../../inputs/compose/types.js';
import { commonDropReason } from '../../analyzers/secrets/false-positives.js';
import { isEnvironmentKeyName } from '../../analyzers/secrets/names.js';
import { formatLocation } from '../../model/location.js';
import type { ConfigMapData, SecretObjectData } from '../../model/secret-object.js';
import { locate, pointerOf, type Target } from '../../model/target.js';
import type { ContainerData } from '../../model/workload.js';
import { NOT_APPLICABLE, type Inventory, type RuleFunction, type Violation } from '../types.js';

/**
 * Where does a container's ANTHROPIC_ENVIRONMENT_KEY come from? Compliant: a Secret that is not
 * committed with values (created out of band, by External Secrets, a SealedSecret, or the CSI driver),
 * or a mounted secret file. Not compliant: a Secret committed with values, a ConfigMap (also as the
 * volume that `ANTHROPIC_ENVIRONMENT_KEY_FILE` points into). Undecidable
 * from files: the deploy host's environment (`${VAR}` in compose) → warn. A literal value is left to
 * secret-environment-key-literal. A workload with no key in its env that takes secrets from a Vault
 * agent or the Secrets Store CSI driver passes (the key arrives as a file from the store).
 */
export const environmentKeySource: RuleFunction<Record<string, never>> = {
  name: 'environmentKeySource',
  description: 'Checks that a container takes ANTHROPIC_ENVIRONMENT_KEY from a secret store rather than a committed Secret, a ConfigMap or the deploy host environment.',
  options: { type: 'object', additionalProperties: false, properties: {} },
  run(_node, _options, ctx) {
    const data = ctx.target.data as ContainerData;
    const ns = namespaceOf(ctx.target, ctx.inventory);
    const out: Violation[] = [];
    let applicable = false;
    (data.env ?? []).forEach((e, i) => {
      if (ctx.target.platform === 'kubernetes' && e.name.endsWith('_FILE') && isEnvironmentKeyName(e.name.slice(0, -5)) && e.value) {
        // `ANTHROPIC_ENVIRONMENT_KEY_FILE=/path`: the key comes from the volume mounted there.
        const mount = mountOf(data, e.value);
        if (!mount) return;
        applicable = true;
        if (mount.volumeType === 'configMap') out.push(violation(pointerOf('env', i), `is read from ${e.value} (${e.name}), in ConfigMap volume ${mount.volume}: ConfigMaps are not secret stores`));
        return;
      }
      if (!isEnvironmentKeyName(e.name)) return;
      const pointer = pointerOf('env', i);
      if (!e.valueFrom) return; // a literal: the literal rule reports it
      applicable = true;
      const ref = e.valueFrom;
      if (ref.kind === 'secret') {
        const committed = committedSecret(ctx.inventory, ns, ref.name, ref.key ?? 'ANTHROPIC_ENVIRONMENT_KEY');
        if (committed) out.push(violation(pointer, `comes from Secret ${ref.name}, which is committed with its values (${committed})`));
      } else if (ref.kind === 'configMap') {
        out.push(violation(pointer, `comes from ConfigMap ${ref.name ?? '?'}: ConfigMaps are not secret stores (readable by anyone who can read config)`));
      } else if (ref.kind === 'host') {
        const fromFile = ctx.target.platform === 'compose' ? projectDotenvLiteral(ctx.target, ctx.inventory, ref.name ?? e.name) : null;
        if (fromFile) out.push(violation(pointer, `is interpolated from ${fromFile}, a file of the repository, not from a secrets manager`));
        else out.push({ ...violation(pointer, `is interpolated from the deploy host's environment (\${${ref.name ?? e.name}}): sandcheck cannot tell whether that comes from a secrets manager`), verdict: 'warn' });
      }
    });
    (data.envFrom ?? []).forEach((ef, i) => {
      const pointer = pointerOf('envFrom', i);
      if (ef.kind === 'secret') {
        const committed = committedSecret(ctx.inventory, ns, ef.name, 'ANTHROPIC_ENVIRONMENT_KEY');
        if (committed) {
          applicable = true;
          out.push(violation(pointer, `comes from Secret ${ef.name} (envFrom), which is committed with its values (${committed})`));
        } else if (secretHasKey(ctx.inventory, ns, ef.name)) applicable = true;
      } else if (ef.kind === 'configMap') {
        const cm = configMapWithKey(ctx.inventory, ns, ef.name);
        if (cm) {
          applicable = true;
          out.push(violation(pointer, `comes from ConfigMap ${ef.name} (envFrom, ${cm}): ConfigMaps are not secret stores`));
        }
      }
    });
    // compose secrets/configs that carry the key (src/analyzers/compose-key-source.ts): external → compliant.
    if (ctx.target.platform === 'compose') {
      const evidence = (file: string) => {
        const t = ctx.inventory.targets.find((x) => x.file === file && x.kind === 'textfile');
        return !t ? 'absent' : reportableSecretsOf(t, ctx.inventory).length > 0 ? 'key' : 'no-key';
      };
      for (const c of composeKeySources(data as ComposeContainerData, evidence)) {
        applicable = true;
        if (c.detail !== null) out.push({ ...violation(c.pointer, c.detail), verdict: c.verdict });
      }
    }
    if (!applicable && deliveredAsFile(ctx.target, ctx.inventory)) return [];
    return applicable ? out : NOT_APPLICABLE;
  },
};

const VAULT_INJECT = 'vault.hashicorp.com/agent-inject-secret-';
const CSI_SECRETS_STORE = 'secrets-store.csi.k8s.io';

/** A Vault agent injector annotation or a Secrets Store CSI volume: keys arrive as files from a store. */
function deliveredAsFile(target: Target<object>, inventory: Inventory): boolean {
  const parent = target.parentId ? inventory.byId(target.parentId) : undefined;
  const w = (parent?.data ?? {}) as { annotations?: Record<string, string>; volumes?: { type: string; driver: string | null }[] };
  if (Object.keys(w.annotations ?? {}).some((k) => k.startsWith(VAULT_INJECT))) return true;
  return (w.volumes ?? []).some((v) => v.type === 'csi' && v.driver === CSI_SECRETS_STORE);
}

/** The mount a path is under (the deepest one), if any. */
function mountOf(data: ContainerData, path: string): ContainerData['mounts'][number] | undefined {
  let best: ContainerData['mounts'][number] | undefined;
  for (const m of data.mounts ?? []) {
    const dir = m.mountPath.endsWith('/') ? m.mountPath : `${m.mountPath}/`;
    if ((path === m.mountPath || path.startsWith(dir)) && (!best || m.mountPath.length > best.mountPath.length)) best = m;
  }
  return best;
}

/**
 * docker compose interpolates `${NAME}` from the `.env` beside the compose file before the host's
 * environment can: where the scan holds that file with a literal secret under NAME, the key comes from
 * the repository. Returns its place (`red/.env:2`), or null.
 */
function projectDotenvLiteral(target: Target<object>, inventory: Inventory, name: string): string | null {
  if (!target.file) return null;
  const file = projectDotenv(target.file);
  const dotenv = inventory.targets.find((t) => t.kind === 'envfile' && t.file === file);
  const hit = dotenv ? reportableSecretsOf(dotenv, inventory).find((s) => s.name === name) : undefined;
  return hit ? formatLocation(hit.location) : null;
}

function violation(pointer: string, detail: string): Violation {
  return { pointer, key: detail, data: { detail } };
}

function namespaceOf(target: Target<object>, inventory: Inventory): string | null {
  const parent = target.parentId ? inventory.byId(target.parentId) : undefined;
  const ns = (parent?.data as { namespace?: unknown } | undefined)?.namespace;
  return typeof ns === 'string' ? ns : target.platform === 'kubernetes' ? (target.boundary ?? null) : null;
}

function sameNamespace(a: string | null, b: string | null): boolean {
  return (a ?? 'default') === (b ?? 'default');
}

function secretsNamed(inventory: Inventory, ns: string | null, name: string | null): Target<SecretObjectData>[] {
  return (inventory.byKind('secret') as Target<SecretObjectData>[]).filter(
    (t) => sameNamespace(t.data.namespace, ns) && (t.data.name === name || t.data.producesSecret === name),
  );
}

/** `file:line` of the committed value when the Secret is in the scan with a literal value for `key`. */
function committedSecret(inventory: Inventory, ns: string | null, name: string | null, key: string): string | null {
  for (const t of secretsNamed(inventory, ns, name)) {
    if (t.data.objectKind !== 'Secret' || t.data.sops) continue;
    const i = t.data.entries.findIndex((e) => e.key === key && e.value !== null && commonDropReason(e.value) === null);
    if (i >= 0) return formatLocation(locate(t, pointerOf('entries', i)));
  }
  return null;
}

function secretHasKey(inventory: Inventory, ns: string | null, name: string | null): boolean {
  return secretsNamed(inventory, ns, name).some((t) => t.data.entries.some((e) => e.key === 'ANTHROPIC_ENVIRONMENT_KEY'));
}

function configMapWithKey(inventory: Inventory, ns: string | null, name: string): string | null {
  for (const t of inventory.byKind('configmap') as Target<ConfigMapData>[]) {
    if (t.data.name !== name || !sameNamespace(t.data.namespace, ns)) continue;
    const i = t.data.entries.findIndex((e) => isEnvironmentKeyName(e.key));
    if (i >= 0) return formatLocation(locate(t, pointerOf('entries', i)));
  }
  return null;
}
