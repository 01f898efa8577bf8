import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import type { SkippedObject } from '../../model/finding.js';
import { isObj } from '../../util/objects.js';
import { parseYamlFast } from '../../util/yaml-fast.js';
import { textfileHandler } from '../textfile/handler.js';
import type { InputHandler, ParseOutput, SourceFile } from '../types.js';

/**
 * Sources of manifests that are not what gets deployed: Helm chart templates (`{{ … }}`, not YAML
 * until rendered) and kustomize patches (partial objects merged into a base). A platform repository
 * holds both beside its rendered manifests; judged as manifests they were input errors (exit 2 on every
 * run) or findings about fields a patch does not carry. They are listed with their objects skipped and
 * the way to judge them (render or build, then scan); like any text file they are still scanned for
 * provider-format secrets, and they do not count as something to audit.
 */

const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
/** A kustomization may only name files under its own folder (kustomize's default load restrictor). */
const MAX_ANCESTORS = 12;

/**
 * What the scan in progress found about folders: chart roots (`<chart>/templates/` → the chart folder,
 * or null) and kustomizations (folder → the patches it names, or null). Every YAML file reaches these
 * handlers, and a folder is looked at once per scan, not once per file under it (a few thousand files
 * collect in about half the time); a new scan starts afresh, so files changed in between are seen.
 */
let chartRoots = new Map<string, string | null>();
let kustomizations = new Map<string, Kustomization | null>();

/** Called by the collector when a scan starts. */
export function startManifestSourceScan(): void {
  chartRoots = new Map();
  kustomizations = new Map();
}

/** The chart folder of a file under `<chart>/templates/` when `<chart>/Chart.yaml` exists. */
function chartRootOf(absPath: string): string | null {
  const marker = `${sep}templates${sep}`;
  const at = absPath.lastIndexOf(marker);
  if (at < 0) return null;
  const root = absPath.slice(0, at) || sep;
  let known = chartRoots.get(root);
  if (known === undefined) {
    known = existsSync(join(root, 'Chart.yaml')) ? root : null;
    chartRoots.set(root, known);
  }
  return known;
}

function chartName(root: string): string {
  try {
    const m = /^name:\s*["']?([^"'\s#]+)/m.exec(readFileSync(join(root, 'Chart.yaml'), 'utf8'));
    if (m) return m[1]!;
  } catch {
    // the name of the folder will do
  }
  return basename(root);
}

/** Display path of the chart folder: the file's display path up to its `templates/` segment. */
function shownRoot(file: SourceFile): string {
  const at = file.path.lastIndexOf('/templates/');
  return at < 0 ? dirname(file.path) : file.path.slice(0, at);
}

export const helmTemplateHandler: InputHandler = {
  format: 'helm-template',
  generic: true,
  items: textfileHandler.items,
  detect: (file) => file.absPath !== null && chartRootOf(file.absPath) !== null,
  parse(file): ParseOutput {
    const root = chartRootOf(file.absPath!)!;
    const skipped: SkippedObject = {
      kind: '(Helm template)',
      name: `chart ${chartName(root)}`,
      line: 1,
      reason: `a template of the Helm chart in ${shownRoot(file)}: sandcheck judges rendered manifests (helm template … | sandcheck scan -)`,
    };
    return { targets: textfileHandler.parse(file).targets, skipped: [skipped] };
  },
};

interface Kustomization {
  /** Display name, for the reason. */
  shown: string;
  patches: Set<string>;
}

/** The patch files a kustomization names: `patches[].path`, `patchesStrategicMerge[]` (file entries), `patchesJson6902[].path`. */
function readKustomization(dir: string, shownDir: string): Kustomization | null {
  const name = KUSTOMIZATION_NAMES.find((n) => existsSync(join(dir, n)));
  if (!name) return null;
  const patches = new Set<string>();
  try {
    for (const doc of parseYamlFast(readFileSync(join(dir, name), 'utf8'), name).docs) {
      if (!isObj(doc.value)) continue;
      const k = doc.value;
      const paths: unknown[] = [];
      for (const field of ['patches', 'patchesJson6902']) if (Array.isArray(k[field])) for (const p of k[field] as unknown[]) if (isObj(p)) paths.push(p.path);
      // An entry of patchesStrategicMerge is a file name or an inline patch (which holds a newline).
      if (Array.isArray(k.patchesStrategicMerge)) paths.push(...(k.patchesStrategicMerge as unknown[]).filter((p) => typeof p === 'string' && !p.includes('\n')));
      for (const p of paths) if (typeof p === 'string' && p.trim()) patches.add(resolve(dir, p.trim()));
    }
  } catch {
    // A kustomization sandcheck cannot read names no patch it knows of; the files stay manifests.
    return null;
  }
  return patches.size ? { shown: shownDir === '.' ? name : `${shownDir}/${name}`, patches } : null;
}

/** The kustomization (in the file's folder or above it) that names the file as a patch. */
function patchOwner(file: SourceFile): Kustomization | null {
  if (file.absPath === null || !/\.(ya?ml|json)$/i.test(file.absPath)) return null;
  const base = dirname(file.absPath);
  let dir = base;
  for (let i = 0; i < MAX_ANCESTORS; i++) {
    let k = kustomizations.get(dir);
    if (k === undefined) {
      // The folder as the report shows paths: the file's display folder, moved up as far as `dir` is.
      k = readKustomization(dir, join(dirname(file.path), relative(base, dir)));
      kustomizations.set(dir, k);
    }
    if (k?.patches.has(file.absPath)) return k;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export const kustomizePatchHandler: InputHandler = {
  format: 'kustomize-patch',
  generic: true,
  items: textfileHandler.items,
  detect: (file) => patchOwner(file) !== null,
  parse(file): ParseOutput {
    const owner = patchOwner(file)!;
    const reason = `a kustomize patch named by ${owner.shown}: sandcheck judges built manifests (kustomize build … | sandcheck scan -)`;
    const skipped: SkippedObject[] = [];
    for (const doc of file.fastYaml().docs) {
      const v = isObj(doc.value) ? doc.value : null;
      const meta = v && isObj(v.metadata) ? v.metadata : {};
      skipped.push({
        kind: v && typeof v.kind === 'string' ? v.kind : '(patch)',
        name: typeof meta.name === 'string' ? (typeof meta.namespace === 'string' ? `${meta.namespace}/${meta.name}` : meta.name) : '',
        line: doc.positionOf([]).line,
        reason,
      });
    }
    return { targets: textfileHandler.parse(file).targets, skipped };
  },
};
