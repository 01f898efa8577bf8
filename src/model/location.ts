/**
 * Where a finding points. Files carry file/line/column (1-based); live objects and images carry a uri
 * (`docker://container/<name>`, `k8s://<ns>/<kind>/<name>`, `image://<ref>@<digest>`). `pointer` is the
 * JSON pointer inside the source document; `detail` says more where neither suffices (e.g. `layer 3 /app/.env`).
 */
export interface Location {
  file?: string;
  uri?: string;
  line?: number;
  column?: number;
  pointer?: string;
  detail?: string;
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  let where = loc.file ?? loc.uri ?? '';
  if (loc.file && loc.line) where += `:${loc.line}`;
  if (loc.detail) where += where ? ` (${loc.detail})` : loc.detail;
  return where;
}
