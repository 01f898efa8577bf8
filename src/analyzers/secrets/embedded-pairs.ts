/**
 * Name/value pairs written inside a value that is itself a script or a config file: a Terraform heredoc
 * (`user_data`, `container_definitions`, cloud-init, an ECS or Kubernetes JSON document). The value has
 * no structure the parser knows, but its lines do, as an env file's or a shell script's would:
 *
 * - shell and env assignments anywhere a word starts: `export DB_PASSWORD=…`, `API_KEYS="…"`,
 *   `docker run -e TOKEN=…`, `echo "KEY=…" >> /etc/environment`, `--db-password=…`;
 * - YAML and properties lines: `DB_PASSWORD: …`, `- api_token: "…"`;
 * - JSON members: `"db_password": "…"`;
 * - name/value objects (ECS `environment`, Kubernetes `env`): `{"name": "APP_SECRET", "value": "…"}`,
 *   `- name: APP_SECRET` then `value: …`: the value is judged under the name the object gives it.
 *
 * Every pair is returned whatever its name: the classifier decides what is a secret. Offsets are in
 * `text`, where the value's own text starts (after an opening quote).
 */
export interface EmbeddedPair {
  name: string;
  value: string;
  offset: number;
}

const NAME = '[A-Za-z_][A-Za-z0-9_.-]*';
/** `NAME=value` at the start of a word (a line, after a blank, `;`, `&`, `|`, `(`, a quote), an optional `--` before the name. */
const ASSIGNMENT = new RegExp(`(?:^|[\\s;&|(\`"'])-{0,2}(${NAME})=("(?:[^"\\\\\\n]|\\\\.)*"|'[^'\\n]*'|\\$\\([^)\\n]*\\)|[^\\s;&|)\`"']+)`, 'g');
/** `"name": "value"` anywhere (JSON). */
const JSON_MEMBER = new RegExp(`"(${NAME})"\\s*:\\s*("(?:[^"\\\\\\n]|\\\\.)*")`, 'g');
/** `name: value` starting a line, after an optional list dash (YAML, properties): the rest of the line, cut by yamlValue. */
const YAML_ENTRY = new RegExp(`^[ \\t]*(?:-[ \\t]+)?(${NAME})[ \\t]*:[ \\t]+([^\\n]*)`, 'gm');
/** A quoted YAML value at the start of the rest of a line. */
const QUOTED = /^(?:"(?:[^"\\\n]|\\.)*"|'[^'\n]*')/;

interface Found extends EmbeddedPair {
  /** Where the whole match ends (for name/value objects). */
  end: number;
}

export function embeddedPairs(text: string): EmbeddedPair[] {
  const found = new Map<number, Found>();
  const add = (re: RegExp, cut?: (rest: string) => string | null) => {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const rest = m[2]!;
      const raw = cut ? cut(rest) : rest;
      if (raw === null) continue;
      const start = m.index + m[0].length - rest.length;
      const valueAt = start + (raw.startsWith('"') || raw.startsWith("'") ? 1 : 0);
      if (!found.has(valueAt)) found.set(valueAt, { name: m[1]!, value: unquote(raw), offset: valueAt, end: start + raw.length });
    }
  };
  add(ASSIGNMENT);
  add(JSON_MEMBER);
  add(YAML_ENTRY, yamlValue);
  const pairs = [...found.values()].sort((a, b) => a.offset - b.offset);
  const out: EmbeddedPair[] = pairs.map(({ name, value, offset }) => ({ name, value, offset }));
  // Name/value objects: a `value` member judged under the `name` member before it in the same object.
  let lastName: Found | null = null;
  for (const p of pairs) {
    if (p.name === 'name') lastName = p;
    else if (p.name === 'value' && lastName && sameObject(text, lastName.end, p.offset) && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(lastName.value)) {
      out.push({ name: lastName.value, value: p.value, offset: p.offset });
      lastName = null;
    }
  }
  return out;
}

/** Nothing between two members opens or closes an object or starts another YAML list item. */
function sameObject(text: string, from: number, to: number): boolean {
  const between = text.slice(from, to);
  return !/[{}]|\n[ \t]*-[ \t]/.test(between);
}

/**
 * The value in the rest of a YAML line: a quoted scalar, or the text before a ` #` comment, trimmed, a
 * trailing comma dropped; null for a block scalar header (`|`, `>`), a flow collection or nothing.
 * (Cut in code: a regex with a lazy value before optional blanks and comment backtracks quadratically on long lines.)
 */
function yamlValue(rest: string): string | null {
  const quoted = QUOTED.exec(rest);
  if (quoted) return quoted[0];
  if (rest === '' || /^[\s|>#"'[{]/.test(rest)) return null;
  const hash = rest.search(/[ \t]#/);
  const value = (hash === -1 ? rest : rest.slice(0, hash)).trimEnd();
  return value.endsWith(',') ? value.slice(0, -1) : value;
}

function unquote(raw: string): string {
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) return raw.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (raw.length >= 2 && raw.startsWith("'") && raw.endsWith("'")) return raw.slice(1, -1);
  return raw;
}
