// bench/manifests: a generated multi-document file of 10,000 workloads (Deployments with two containers
// each, plus Services that are listed as skipped). Prints objects per second and peak memory, and the
// same in the same run for the file merely parsed: by `yaml` (the reader of every other YAML input) and
// by js-yaml (the reader sandcheck uses for Kubernetes streams; the floor of any design that parses it).
// Floors of any design on this machine, in the same run: Node reading the file, Node's native
// JSON.parse of the same objects written as JSON, and serialising the scan's own JSON report.
import { mkdirSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jsyaml from 'js-yaml';
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
const asJson = join(dir, `manifests-${N}.json`);
const parsed = [];
jsyaml.loadAll(docs.join('\n---\n'), (d) => parsed.push(d), { schema: jsyaml.CORE_SCHEMA });
writeFileSync(asJson, JSON.stringify(parsed));
const reportFile = join(dir, `manifests-${N}-report.json`);

const parseOnly = timed(['--input-type=module', '-e', `import {parseAllDocuments, LineCounter} from 'yaml'; import {readFileSync} from 'node:fs'; const d = parseAllDocuments(readFileSync(${JSON.stringify(file)}, 'utf8'), {lineCounter: new LineCounter()}); for (const x of d) x.toJS();`], { cwd: ROOT });
// The reader sandcheck uses for Kubernetes streams, without position tracking: the floor for any
// design that parses the whole file.
const jsYamlOnly = timed(['--input-type=module', '-e', `import jsyaml from 'js-yaml'; import {readFileSync} from 'node:fs'; jsyaml.loadAll(readFileSync(${JSON.stringify(file)}, 'utf8'), () => {}, {schema: jsyaml.CORE_SCHEMA});`], { cwd: ROOT });
const readOnly = timed(['-e', `require('node:fs').readFileSync(${JSON.stringify(file)}, 'utf8')`], { cwd: ROOT });
const jsonParse = timed(['-e', `JSON.parse(require('node:fs').readFileSync(${JSON.stringify(asJson)}, 'utf8'))`], { cwd: ROOT });
const scan = timed([BIN, 'scan', file, '--format', 'json', '--output', reportFile], { cwd: ROOT });
// In process, after the parse: only JSON.stringify of the report as sandcheck prints it, and the write.
const stringify = timed(['-e', `const fs = require('node:fs'); const r = JSON.parse(fs.readFileSync(${JSON.stringify(reportFile)}, 'utf8')); const t = performance.now(); fs.writeFileSync('/dev/null', JSON.stringify(r, null, 2)); console.log(performance.now() - t);`], { cwd: ROOT });
if (scan.status !== 1) throw new Error(`unexpected exit ${scan.status}: ${scan.stderr.slice(0, 2000)}`);
const rate = (ms) => Math.round(objects / (ms / 1000));
console.log(`manifests: ${objects} objects (${N} workloads, ${(N * 2)} containers), ${mb.toFixed(1)} MB`);
console.log(`  yaml parse only : ${parseOnly.ms.toFixed(0)} ms, ${rate(parseOnly.ms)} objects/s, peak ${parseOnly.rssMiB.toFixed(0)} MiB`);
console.log(`  js-yaml only    : ${jsYamlOnly.ms.toFixed(0)} ms, ${rate(jsYamlOnly.ms)} objects/s, peak ${jsYamlOnly.rssMiB.toFixed(0)} MiB`);
console.log(`  read only       : ${readOnly.ms.toFixed(0)} ms, ${rate(readOnly.ms)} objects/s, peak ${readOnly.rssMiB.toFixed(0)} MiB (Node reading the YAML file as text)`);
console.log(`  JSON.parse only : ${jsonParse.ms.toFixed(0)} ms, ${rate(jsonParse.ms)} objects/s, peak ${jsonParse.rssMiB.toFixed(0)} MiB (the same objects as ${(statSync(asJson).size / 1e6).toFixed(1)} MB of JSON, Node's native parser)`);
console.log(`  sandcheck scan  : ${scan.ms.toFixed(0)} ms, ${rate(scan.ms)} objects/s, peak ${scan.rssMiB.toFixed(0)} MiB (target >= 20000 objects/s)`);
console.log(`  report alone    : ${Number(stringify.stdout).toFixed(0)} ms to JSON.stringify and write the scan's ${(statSync(reportFile).size / 1e6).toFixed(1)} MB report (in one process, after parsing it)`);
console.log(`  ratio to parse  : ${(scan.ms / parseOnly.ms).toFixed(2)}x the yaml parse, ${(scan.ms / jsYamlOnly.ms).toFixed(2)}x the js-yaml parse`);
