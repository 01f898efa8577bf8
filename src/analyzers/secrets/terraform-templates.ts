import { posix } from 'node:path';
import type { Target } from '../../model/target.js';

/** A file a Terraform configuration reads as a template or as text: `templatefile("…")`, `file("…")`. */
export interface TerraformTemplate {
  /** The call, for messages: `templatefile() in infra/main.tf:12`. */
  usedAt: string;
}

const CALL = /\b(templatefile|file)\(\s*"((?:\$\{path\.(?:module|root|cwd)\}\/)?[^"$\n]+)"/g;
const TERRAFORM_CONFIG = /\.tf$/i;

const cache = new WeakMap<object, Map<string, TerraformTemplate>>();

/**
 * The files the scanned Terraform configurations render or read (`user_data = templatefile("${path.module}/
 * user-data.sh.tpl", …)`), by display path: a script there is what an inline heredoc would be, and gets
 * the heredoc's name/value reading. `${path.module}`, `${path.root}` and a bare relative path are taken
 * from the folder of the .tf file (where `terraform` runs for a root module), `${path.cwd}` from the
 * working directory; a path built from any other expression is not followed.
 */
export function terraformTemplates(inventory: { targets: Target<object>[] }): Map<string, TerraformTemplate> {
  let map = cache.get(inventory);
  if (map) return map;
  map = new Map();
  for (const t of inventory.targets) {
    if (t.kind !== 'textfile' || !t.file || !TERRAFORM_CONFIG.test(t.file)) continue;
    const text = (t.data as { text: string }).text;
    if (!text.includes('file(')) continue;
    CALL.lastIndex = 0;
    for (let m = CALL.exec(text); m; m = CALL.exec(text)) {
      const written = m[2]!;
      const rel = written.replace(/^\$\{path\.(module|root|cwd)\}\//, '');
      const base = written.startsWith('${path.cwd}/') ? '' : posix.dirname(t.file);
      const path = posix.normalize(posix.join(base, rel));
      const line = text.slice(0, m.index).split('\n').length;
      if (!map.has(path)) map.set(path, { usedAt: `${m[1]}() in ${t.file}:${line}` });
    }
  }
  cache.set(inventory, map);
  return map;
}
