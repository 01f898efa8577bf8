// bench/manifests: a generated multi-document file of 10,000 workloads (Deployments with two containers
// each, plus Services that are listed as skipped). Prints objects per second and peak memory, and the
// same in the same run for the file merely parsed: by `yaml` (the reader of every other YAML input) and
// by js-yaml (the reader sandcheck uses for Kubernetes streams; the floor of any design that parses it).
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, timed } from './lib.mjs';

const N = Number(process.env.WORKLOADS ?? 10000);
const dir = join(ROOT, 'bench', 'out');
mkdirSync(dir, { recursive: true });
const file = join(dir, `manifests-${N}.yaml`);
const docs = [];
for (let i = 0; i < N; i++) {
  const hardened = i % 3 === 0;
  docs.push(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker-${i}
  namespace: tenant-${i % 50}
  labels: {app: worker-${i}, tier: sandbox}
spec:
  replicas: 2
  selector:
    matchLabels: {app: worker-${i}}
  template:
    metadata:
      labels: {app: worker-${i}}
    spec:
      automountServiceAccountToken: ${hardened}
      securityContext:
        runAsNonRoot: ${hardened}
        seccompProfile: {type: RuntimeDefault}
      containers:
        - name: worker
          image: registry.example.com/agents/worker:1.${i % 10}.0
          env:
            - {name: WORKSPACE, value: /workspace}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: ${hardened}
            capabilities: {drop: [ALL]}
          volumeMounts:
            - {name: workspace, mountPath: /workspace}
        - name: proxy
          image: registry.example.com/agents/proxy@sha256:4b1a3f1b7d0e9c2a5f6e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a
          ports: [{containerPort: 8080}]
      volumes:
        - {name: workspace, emptyDir: {}}`);
  if (i % 10 === 0) docs.push(`apiVersion: v1\nkind: Service\nmetadata: {name: worker-${i}}\nspec:\n  ports: [{port: 80}]`);
}
writeFileSync(file, docs.join('\n---\n') + '\n');
const objects = docs.length;
const mb = statSync(file).size / 1e6;

const parseOnly = timed(['--input-type=module', '-e', `import {parseAllDocuments, LineCounter} from 'yaml'; import {readFileSync} from 'node:fs'; const d = parseAllDocuments(readFileSync(${JSON.stringify(file)}, 'utf8'), {lineCounter: new LineCounter()}); for (const x of d) x.toJS();`], { cwd: ROOT });
// The reader sandcheck uses for Kubernetes streams, without position tracking: the floor for any
// design that parses the whole file.
const jsYamlOnly = timed(['--input-type=module', '-e', `import jsyaml from 'js-yaml'; import {readFileSync} from 'node:fs'; jsyaml.loadAll(readFileSync(${JSON.stringify(file)}, 'utf8'), () => {}, {schema: jsyaml.CORE_SCHEMA});`], { cwd: ROOT });
const scan = timed([BIN, 'scan', file, '--format', 'json', '--output', '/dev/null'], { cwd: ROOT });
if (scan.status !== 1) throw new Error(`unexpected exit ${scan.status}: ${scan.stderr.slice(0, 2000)}`);
const rate = (ms) => Math.round(objects / (ms / 1000));
console.log(`manifests: ${objects} objects (${N} workloads, ${(N * 2)} containers), ${mb.toFixed(1)} MB`);
console.log(`  yaml parse only : ${parseOnly.ms.toFixed(0)} ms, ${rate(parseOnly.ms)} objects/s, peak ${parseOnly.rssMiB.toFixed(0)} MiB`);
console.log(`  js-yaml only    : ${jsYamlOnly.ms.toFixed(0)} ms, ${rate(jsYamlOnly.ms)} objects/s, peak ${jsYamlOnly.rssMiB.toFixed(0)} MiB`);
console.log(`  sandcheck scan  : ${scan.ms.toFixed(0)} ms, ${rate(scan.ms)} objects/s, peak ${scan.rssMiB.toFixed(0)} MiB (target >= 20000 objects/s)`);
console.log(`  ratio to parse  : ${(scan.ms / parseOnly.ms).toFixed(2)}x the yaml parse, ${(scan.ms / jsYamlOnly.ms).toFixed(2)}x the js-yaml parse`);
