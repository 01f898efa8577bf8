import { posix } from 'node:path';
import type { Target } from '../../model/target.js';
import { lineOf } from './scan-text.js';

/** A file a Terraform configuration reads as a template or as text: `templatefile("…")`, `file("…")`. */
export interface TerraformTemplate {
  /** The call, for messages: `templatefile() in infra/main.tf:12`. */
  usedAt: string;
}

const CALL = /\b(templatefile|file)\(\s*"((?:\$\{path\.(?:module|root|cwd)\}\/)?[^"$\n]+)"/g;
const TERRAFORM_CONFIG = /\.tf$/i;

/** The files one .tf text reads, by display path: taken while the text scanner holds the text (it is released after). */
const readsOf = new WeakMap<object, [string, TerraformTemplate][]>();
const noted = new WeakSet<object>();

/**
 * Records the files a .tf file renders or reads (`user_data = templatefile("${path.module}/user-data.sh.tpl",
 * …)`). `${path.module}`, `${path.root}` and a bare relative path are taken from the folder of the .tf
 * file (where `terraform` runs for a root module), `${path.cwd}` from the working directory; a path built
 * from any other expression is not followed.
 */
export function noteTerraformReads(target: Target<object>, text: string): void {
  if (!target.file || !TERRAFORM_CONFIG.test(target.file)) return;
  noted.add(target.data);
  if (!text.includes('file(')) return;
  const reads: [string, TerraformTemplate][] = [];
  CALL.lastIndex = 0;
  for (let m = CALL.exec(text); m; m = CALL.exec(text)) {
    const written = m[2]!;
    const rel = written.replace(/^\$\{path\.(module|root|cwd)\}\//, '');
    const base = written.startsWith('${path.cwd}/') ? '' : posix.dirname(target.file);
    reads.push([posix.normalize(posix.join(base, rel)), { usedAt: `${m[1]}() in ${target.file}:${lineOf(text, m.index)}` }]);
  }
  if (reads.length) readsOf.set(target.data, reads);
}

const cache = new WeakMap<object, Map<string, TerraformTemplate>>();

/** The files the scanned Terraform configurations render or read: a script there gets the reading an inline heredoc gets. */
export function terraformTemplates(inventory: { targets: Target<object>[] }): Map<string, TerraformTemplate> {
  let map = cache.get(inventory);
  if (map) return map;
  map = new Map();
  for (const t of inventory.targets) {
    if (t.kind !== 'textfile') continue;
    // A target the text scanner did not see (none was set) still holds its text.
    if (t.file && TERRAFORM_CONFIG.test(t.file) && !noted.has(t.data)) noteTerraformReads(t, (t.data as { text: string }).text);
    for (const [path, ref] of readsOf.get(t.data) ?? []) if (!map.has(path)) map.set(path, ref);
  }
  cache.set(inventory, map);
  return map;
}
