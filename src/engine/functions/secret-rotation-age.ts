import type { SecretObjectData } from '../../model/secret-object.js';
import { NOT_APPLICABLE, type RuleFunction, type Violation } from '../types.js';

interface Options {
  maxAgeDays?: number;
}

const DAY = 86_400_000;

/** Go duration (`720h`, `24h0m0s`, `30m`) → milliseconds; null when unparseable. */
export function parseGoDuration(s: string): number | null {
  if (s === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|\u00b5s|ns)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const n = Number(m[1]);
    total += n * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 } as Record<string, number>)[m[2]!]!;
    consumed += m[0].length;
  }
  return consumed === s.length && consumed > 0 ? total : null;
}

const TF_ROTATION = /resource\s+"aws_secretsmanager_secret_rotation"\s+"([^"]+)"\s*\{/g;

/**
 * Terraform `aws_secretsmanager_secret_rotation`: `rotation_rules { automatically_after_days = N }` or
 * `schedule_expression = "rate(N days)"`. Read from the text of .tf files (there is no Terraform input
 * handler); the block ends at the first line that closes it at column 1.
 */
function terraformRotation(d: { path: string; text: string }, maxDays: number): Violation[] | typeof NOT_APPLICABLE {
  if (!d.path.endsWith('.tf') || !d.text.includes('aws_secretsmanager_secret_rotation')) return NOT_APPLICABLE;
  const out: Violation[] = [];
  let evidence = false;
  TF_ROTATION.lastIndex = 0;
  for (let m = TF_ROTATION.exec(d.text); m; m = TF_ROTATION.exec(d.text)) {
    const end = d.text.indexOf('\n}', m.index);
    const block = d.text.slice(m.index, end === -1 ? undefined : end);
    const days = /automatically_after_days\s*=\s*(\d+)/.exec(block) ?? /schedule_expression\s*=\s*"rate\((\d+)\s+days?\)"/.exec(block);
    if (!days) continue;
    evidence = true;
    const n = Number(days[1]);
    if (n > maxDays) {
      const line = d.text.slice(0, m.index + block.indexOf(days[0])).split('\n').length;
      out.push({ pointer: '', location: { file: d.path, line, column: 1 }, key: m[1], data: { detail: `rotates every ${n} days (aws_secretsmanager_secret_rotation.${m[1]}), more than keys.maxAgeDays ${maxDays}` } });
    }
  }
  return evidence ? out : NOT_APPLICABLE;
}

/**
 * Rotation evidence on a secret object: a rotation annotation or creationTimestamp older than
 * keys.maxAgeDays, or an ExternalSecret whose refreshInterval is longer (or 0 = never). Objects
 * without any such metadata are not applicable: the rotation part of key-storage stays manual.
 */
export const secretRotationAge: RuleFunction<Options> = {
  name: 'secretRotationAge',
  description: 'Compares rotation metadata (rotation annotation, creationTimestamp, ExternalSecret refreshInterval, Terraform aws_secretsmanager_secret_rotation) with keys.maxAgeDays.',
  options: {
    type: 'object',
    additionalProperties: false,
    properties: { maxAgeDays: { type: 'integer', minimum: 1, description: 'Overrides keys.maxAgeDays from sandcheck.yaml.' } },
  },
  run(_node, options, ctx) {
    if (ctx.target.kind === 'textfile') return terraformRotation(ctx.target.data as { path: string; text: string }, options.maxAgeDays ?? ctx.config.keys.maxAgeDays);
    const d = ctx.target.data as SecretObjectData;
    const maxDays = options.maxAgeDays ?? ctx.config.keys.maxAgeDays;
    const out: Violation[] = [];
    let evidence = false;
    const dated = d.rotatedAt !== null ? { at: d.rotatedAt, pointer: '/rotatedAt', what: 'last rotated' } : d.createdAt !== null ? { at: d.createdAt, pointer: '/createdAt', what: 'created' } : null;
    if (dated) {
      const t = Date.parse(dated.at);
      if (!Number.isNaN(t)) {
        evidence = true;
        const days = Math.floor((ctx.inventory.now.getTime() - t) / DAY);
        if (days > maxDays) out.push({ pointer: dated.pointer, data: { detail: `was ${dated.what} ${days} days ago (${dated.at.slice(0, 10)}), more than keys.maxAgeDays ${maxDays}` } });
      }
    }
    if (d.objectKind === 'ExternalSecret' && d.refreshInterval !== null) {
      const ms = parseGoDuration(d.refreshInterval);
      if (ms !== null) {
        evidence = true;
        if (ms === 0) out.push({ pointer: '/refreshInterval', data: { detail: 'never refreshes from the store (refreshInterval 0): a rotated key never reaches the workload' } });
        else if (ms > maxDays * DAY) out.push({ pointer: '/refreshInterval', data: { detail: `refreshes every ${Math.round(ms / DAY)} days, longer than keys.maxAgeDays ${maxDays}` } });
      }
    }
    return evidence ? out : NOT_APPLICABLE;
  },
};
