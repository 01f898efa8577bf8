import { isAnthropicKeyName, isEnvironmentKeyName, secretNameKind } from '../../analyzers/secrets/names.js';
import { secretsOf } from '../../analyzers/secrets/targets.js';
import type { BuildData } from '../../model/build.js';
import { pointerOf } from '../../model/target.js';
import type { ContainerData, EnvVar } from '../../model/workload.js';
import { NOT_APPLICABLE, type RuleFunction, type Violation } from '../types.js';

/** A variable name that holds a secret: the environment key, other Anthropic keys, `*_TOKEN`/`*_SECRET`/`*_PASSWORD`/`*_KEY`. */
export function isSecretVariableName(name: string): boolean {
  return isEnvironmentKeyName(name) || isAnthropicKeyName(name) || secretNameKind(name) !== null;
}

/** `$NAME`, `${NAME}`, `${NAME:-x}` in shell text. */
const VAR_REF = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/g;
/** A redirect into a file (`> f`, `>> f`, `1> f`), not into a descriptor or /dev/null. */
const REDIRECT = /(?:^|[^0-9&>])[1]?>>?[ \t]*(?!&|\/dev\/(?:null|stdout|stderr)\b)(["']?)([^\s|;&<>"']+)\1/;
const TEE = /\|[ \t]*(?:sudo[ \t]+)?tee(?:[ \t]+-a)?[ \t]+(["']?)([^\s|;&<>"']+)\1/;
/** The segment prints its arguments: what it writes is the variable's value. */
const PRINTS = /^[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*=\S*[ \t]+)*(?:echo|printf)\b/;
/** An unquoted here-document delimiter (a quoted one does not expand variables). */
const HEREDOC = /<<-?[ \t]*([A-Za-z_][A-Za-z0-9_]*)\b/;

/** Secret variables a RUN command writes into a file, with the file. */
export function secretsWrittenByRun(command: string): { name: string; file: string }[] {
  const out: { name: string; file: string }[] = [];
  const add = (name: string, file: string) => {
    if (!out.some((o) => o.name === name && o.file === file)) out.push({ name, file });
  };
  const refsIn = (text: string) => [...text.matchAll(VAR_REF)].map((m) => m[1]!).filter(isSecretVariableName);
  const heredoc = HEREDOC.exec(command);
  if (heredoc) {
    // `cat > /etc/x <<EOF` … `$TOKEN` … `EOF`: the opening line names the file, the body the variables.
    const lineEnd = command.indexOf('\n', heredoc.index);
    const opening = command.slice(command.lastIndexOf('\n', heredoc.index) + 1, lineEnd === -1 ? undefined : lineEnd);
    const file = (REDIRECT.exec(opening) ?? TEE.exec(opening))?.[2];
    if (file && lineEnd !== -1) for (const name of refsIn(command.slice(lineEnd))) add(name, file);
  }
  for (const segment of command.split(/&&|\|\||;|\n/)) {
    if (!PRINTS.test(segment)) continue;
    const names = refsIn(segment);
    if (names.length === 0) continue;
    const file = (REDIRECT.exec(segment) ?? TEE.exec(segment))?.[2];
    if (file) for (const name of names) add(name, file);
  }
  return out;
}

const isReference = (v: string) => v.includes('$');

/**
 * Secrets handed to an image build: a Dockerfile `ARG` or `ENV` of a secret-named variable (build
 * arguments are recorded in the image history, ENV in the image config), a `RUN` that writes one into
 * a file (the file stays in the layer), and a compose `build.args` entry that passes one from the
 * host's environment. Literal values are left to the secret-literal rules, which report them with
 * their fingerprint.
 */
export const secretBuildArgs: RuleFunction<Record<string, never>> = {
  name: 'secretBuildArgs',
  description: 'Secret-named build arguments and ENV in Dockerfiles, RUN lines that write them into files, and compose build args that pass them from the host.',
  options: { type: 'object', additionalProperties: false, properties: {} },
  run(_node, _options, ctx) {
    const t = ctx.target;
    const out: Violation[] = [];
    if (t.kind === 'build') {
      const data = t.data as BuildData;
      const literal = new Set(secretsOf(t).map((s) => s.pointer));
      data.args.forEach((a, i) => {
        const pointer = pointerOf('args', i);
        if (!isSecretVariableName(a.name) || literal.has(pointer)) return;
        out.push(violation(pointer, a.name, 'ARG', 'is a build argument: the value given at build time is recorded in the image history (`docker history`) and the build cache'));
      });
      data.env.forEach((e, i) => {
        const pointer = pointerOf('env', i);
        if (!isSecretVariableName(e.name) || e.value === null || !isReference(e.value) || literal.has(pointer)) return;
        out.push(violation(pointer, e.name, 'ENV', 'is set by ENV from the build: the value is stored in the image config (`docker inspect`) of every container started from it'));
      });
      data.runs.forEach((r, i) => {
        for (const w of secretsWrittenByRun(r.command)) {
          out.push(violation(pointerOf('runs', i), w.name, `RUN:${w.file}`, `is written into ${w.file} by RUN: the file stays in the image layer`));
        }
      });
      return out;
    }
    if (t.kind === 'container' && t.platform === 'compose') {
      const args = (t.data as ContainerData & { buildArgs?: EnvVar[] }).buildArgs ?? [];
      if (args.length === 0) return NOT_APPLICABLE;
      args.forEach((a, i) => {
        if (!isSecretVariableName(a.name)) return;
        const fromHost = a.valueFrom?.kind === 'host' || (a.value !== null && isReference(a.value));
        if (!fromHost) return;
        out.push(violation(pointerOf('buildArgs', i), a.name, 'compose', 'is passed to the image build as a compose build argument from the host environment: the value ends up in the image history'));
      });
      return out;
    }
    return NOT_APPLICABLE;
  },
};

function violation(pointer: string, name: string, where: string, how: string): Violation {
  return { pointer, key: `${where}:${name}`, data: { name, how }, evidence: { name, where: where.split(':')[0]! } };
}
