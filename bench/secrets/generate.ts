/**
 * Writes a reproducible corpus of realistic config files with planted secrets of every kind and
 * decoys that must not be reported, plus manifest.json: for each planted secret its file, the line
 * range a finding may point at, and its kind. Same seed and size → byte-identical corpus.
 *
 *   node bench/secrets/run.mjs --generate-only [--size-mb 50] [--seed 1] [--out bench/out/secrets-corpus]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { B64, HEX, chars, decoys, digits, dockerAuth, googleServiceAccount, pem, PEM_KINDS, pick, rng, tokens, type Rng, type SecretKind } from './tokens.js';

export interface Planted {
  file: string;
  line: number;
  endLine: number;
  kind: SecretKind;
}

export interface Manifest {
  seed: number;
  files: number;
  bytes: number;
  planted: Planted[];
  decoys: number;
}

class Doc {
  lines: string[] = [];
  planted: Omit<Planted, 'file'>[] = [];
  decoys = 0;
  add(...lines: string[]): void {
    for (const l of lines) this.lines.push(...l.split('\n'));
  }
  /** Adds `text`; the finding must point at line `at` (0-based within text) .. `to`. */
  plant(kind: SecretKind, text: string, at = 0, to = at): void {
    const base = this.lines.length + 1;
    this.planted.push({ line: base + at, endLine: base + to, kind });
    this.add(text);
  }
  decoy(text: string): void {
    this.decoys++;
    this.add(text);
  }
  get text(): string {
    return this.lines.join('\n') + '\n';
  }
}

const APPS = ['agent-worker', 'tool-runner', 'sandbox-api', 'queue-poller', 'session-store', 'gateway', 'metrics', 'builder'];
const NAMESPACES = ['sandbox-a', 'sandbox-b', 'tenant-red', 'tenant-blue', 'platform', 'ci'];
const words = ['alpha', 'bravo', 'delta', 'kilo', 'lima', 'oscar', 'tango', 'zulu', 'river', 'stone', 'cloud', 'maple'];

function uuid(r: Rng): string {
  return decoys.uuid(r);
}

/** Realistic non-secret filler: labels, digests, URLs, UUIDs, resource limits, public certs. */
function fillerYaml(r: Rng, d: Doc, n: number): void {
  for (let i = 0; i < n; i++) {
    const app = pick(r, APPS);
    d.add(
      `# ${pick(r, words)} ${pick(r, words)} settings for ${app}`,
      `  ${pick(r, words)}-${i}:`,
      `    image: registry.internal/${app}@sha256:${chars(r, 64, HEX)}`,
      `    requestId: ${uuid(r)}`,
      `    endpoint: https://${pick(r, words)}.internal:${8000 + (i % 100)}/v1/${pick(r, words)}`,
      `    checksum: sha256:${chars(r, 64, HEX)}`,
      `    replicas: ${1 + (i % 5)}`,
      `    cpu: ${100 + (i % 9) * 50}m`,
      `    commit: ${chars(r, 40, HEX)}`,
    );
  }
}

function fillerText(r: Rng, d: Doc, n: number): void {
  for (let i = 0; i < n; i++) {
    d.add(
      `${new Date(1_700_000_000_000 + i * 1000).toISOString()} INFO ${pick(r, APPS)} request ${uuid(r)} served in ${digits(r, 3)}ms from https://${pick(r, words)}.internal/api`,
    );
  }
}

function publicCert(r: Rng): string {
  const body = chars(r, 64 * 12, B64).match(/.{64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

// ---------- file kinds ----------

function envFile(r: Rng): Doc {
  const d = new Doc();
  d.add(`# ${pick(r, APPS)} environment`, `NODE_ENV=production`, `LOG_LEVEL=info`, `PORT=${8000 + Math.floor(r() * 100)}`);
  for (let i = 0; i < 20 + Math.floor(r() * 40); i++) d.add(`${pick(r, words).toUpperCase()}_${pick(r, ['HOST', 'PORT', 'TIMEOUT', 'REGION', 'URL', 'ENABLED', 'ID'])}_${i}=${pick(r, [uuid(r), `https://${pick(r, words)}.internal`, String(Math.floor(r() * 1000)), 'true', pick(r, words)])}`);
  const plants: (() => void)[] = [
    () => d.plant('anthropic-environment-key', `ANTHROPIC_ENVIRONMENT_KEY=${tokens.environmentKey(r)}`),
    () => d.plant('anthropic-environment-key', `export ANTHROPIC_ENVIRONMENT_KEY="${tokens.environmentKey(r)}"`),
    () => d.plant('anthropic-api-key', `ANTHROPIC_API_KEY=${tokens.anthropicApi(r)}`),
    () => d.plant('anthropic-admin-key', `ANTHROPIC_ADMIN_KEY='${tokens.anthropicAdmin(r)}'`),
    () => d.plant('aws-access-key-id', `AWS_ACCESS_KEY_ID=${tokens.awsKeyId(r)}`),
    () => d.plant('aws-secret-access-key', `AWS_SECRET_ACCESS_KEY=${tokens.awsSecret(r)}`),
    () => d.plant('github-token', `GITHUB_TOKEN=${tokens.github(r)}`),
    () => d.plant('gitlab-token', `GITLAB_TOKEN=${tokens.gitlab(r)}`),
    () => d.plant('npm-token', `NPM_TOKEN=${tokens.npm(r)}`),
    () => d.plant('slack-token', `SLACK_BOT_TOKEN=${tokens.slack(r)}`),
    () => d.plant('stripe-key', `STRIPE_SECRET_KEY=${tokens.stripe(r)}`),
    () => d.plant('private-key', `TLS_KEY="${pem(r, pick(r, PEM_KINDS)).text.replace(/\n/g, '\\n')}"`),
    () => d.plant('url-credentials', `DATABASE_URL=postgres://app:${tokens.password(r)}@db.internal:5432/app`),
    () => d.plant('generic-secret', `JWT_SECRET=${tokens.generic(r)}`),
    () => d.plant('generic-secret', `DB_PASSWORD=${tokens.password(r)}`),
    () => d.plant('generic-secret', `SESSION_SIGNING_KEY=${tokens.hexSecret(r)}`),
    () => d.plant('anthropic-api-key', `# rotated 2024-05: ANTHROPIC_API_KEY=${tokens.anthropicApi(r)}`),
  ];
  const decoyList: (() => void)[] = [
    () => d.decoy(`ANTHROPIC_API_KEY=${decoys.anthropicPlaceholder()}`),
    () => d.decoy(`ANTHROPIC_ENVIRONMENT_KEY=${decoys.reference()}`),
    () => d.decoy(`ANTHROPIC_ENVIRONMENT_KEY=`),
    () => d.decoy(`ANTHROPIC_ENVIRONMENT_KEY=<your-environment-key>`),
    () => d.decoy(`AWS_ACCESS_KEY_ID=${decoys.awsExample()}`),
    () => d.decoy(`AWS_SECRET_ACCESS_KEY=${decoys.awsSecretExample()}`),
    () => d.decoy(`GITHUB_TOKEN=${decoys.githubPlaceholder()}`),
    () => d.decoy(`DB_PASSWORD=changeme`),
    () => d.decoy(`API_KEY=${uuid(r)}`),
    () => d.decoy(`CACHE_KEY=${pick(r, words)}-${pick(r, words)}`),
    () => d.decoy(`TOKEN_URL=https://auth.internal/oauth/token`),
    () => d.decoy(`SECRET_FILE=/run/secrets/app`),
    () => d.decoy(`DATABASE_URL=${decoys.urlReference()}`),
    () => d.decoy(`IMAGE_DIGEST_KEY=${decoys.digest(r)}`),
    () => d.decoy(`WEBHOOK_SECRET=$(cat /run/secrets/webhook)`),
  ];
  mix(r, d, plants, decoyList, 3, 4);
  return d;
}

function k8sFile(r: Rng): Doc {
  const d = new Doc();
  const app = pick(r, APPS);
  const ns = pick(r, NAMESPACES);
  d.add('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${app}`, `  namespace: ${ns}`, `  labels:`, `    app: ${app}`, 'spec:', '  template:', '    spec:', '      containers:', `        - name: ${app}`, `          image: registry.internal/${app}@sha256:${chars(r, 64, HEX)}`, '          env:');
  const envPlant = (kind: SecretKind, name: string, value: string) => d.plant(kind, `            - name: ${name}\n              value: "${value}"`, 1);
  const plants: (() => void)[] = [
    () => envPlant('anthropic-api-key', 'ANTHROPIC_API_KEY', tokens.anthropicApi(r)),
    () => envPlant('anthropic-admin-key', 'ANTHROPIC_ADMIN_KEY', tokens.anthropicAdmin(r)),
    () => envPlant('aws-access-key-id', 'AWS_ACCESS_KEY_ID', tokens.awsKeyId(r)),
    () => d.plant('aws-secret-access-key', `            - name: AWS_SECRET_ACCESS_KEY\n              value: ${tokens.awsSecret(r)}`, 0, 1),
    () => envPlant('github-token', 'GH_TOKEN', tokens.github(r)),
    () => envPlant('github-fine-grained-token', 'GH_PAT', tokens.githubFine(r)),
    () => envPlant('slack-token', 'SLACK_TOKEN', tokens.slack(r)),
    () => envPlant('stripe-key', 'STRIPE_KEY', tokens.stripe(r)),
    () => envPlant('url-credentials', 'REDIS_URL', `redis://default:${tokens.password(r)}@redis.${ns}.svc:6379/0`),
  ];
  const decoyList: (() => void)[] = [
    () => d.decoy(`            - name: ANTHROPIC_ENVIRONMENT_KEY\n              valueFrom:\n                secretKeyRef:\n                  name: env-key\n                  key: key`),
    () => d.decoy(`            - name: ANTHROPIC_API_KEY\n              value: "${decoys.anthropicYourKey()}"`),
    () => d.decoy(`            - name: AWS_ACCESS_KEY_ID\n              value: ${decoys.awsExample()}`),
    () => d.decoy(`            - name: REQUEST_ID\n              value: "${uuid(r)}"`),
    () => d.decoy(`            - name: API_TOKEN\n              value: "{{ .Values.apiToken }}"`),
  ];
  mix(r, d, plants, decoyList, 2, 3);
  d.add('---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', `  name: ${app}-config`, `  namespace: ${ns}`, 'data:', '  settings.yaml: |');
  fillerYaml(r, d, 15 + Math.floor(r() * 30));
  if (r() < 0.3) {
    d.add('---', 'apiVersion: v1', 'kind: Secret', 'metadata:', `  name: ${app}-tls`, 'stringData:');
    const k = pem(r, pick(r, PEM_KINDS));
    d.plant('private-key', `  tls.key: |\n    ${k.text.replace(/\n/g, '\n    ')}`, 1);
  }
  if (r() < 0.3) d.decoy(`---\n# CA bundle (public)\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ca\ndata:\n  ca.crt: |\n    ${publicCert(r).replace(/\n/g, '\n    ')}`);
  return d;
}

function composeFile(r: Rng): Doc {
  const d = new Doc();
  d.add('services:');
  for (const app of APPS.slice(0, 2 + Math.floor(r() * 4))) {
    d.add(`  ${app}:`, `    image: registry.internal/${app}:1.${Math.floor(r() * 20)}`, '    environment:', `      LOG_LEVEL: info`, `      TRACE_ID_HEADER: x-trace-id`);
    if (r() < 0.35) d.plant('github-token', `      GITHUB_TOKEN: ${tokens.github(r)}`);
    if (r() < 0.25) d.plant('anthropic-api-key', `      ANTHROPIC_API_KEY: ${tokens.anthropicApi(r)}`);
    if (r() < 0.3) d.decoy(`      ANTHROPIC_ENVIRONMENT_KEY: \${ANTHROPIC_ENVIRONMENT_KEY:?set it}`);
    if (r() < 0.3) d.decoy(`      ANTHROPIC_API_KEY: ${decoys.anthropicPlaceholder()}`);
    if (r() < 0.2) d.plant('url-credentials', `      AMQP_URL: amqp://worker:${tokens.password(r)}@rabbit:5672/`);
    d.add('    secrets:', '      - env_key', '    read_only: true');
  }
  d.add('secrets:', '  env_key:', '    external: true');
  // Filler under an extension field: at the top level it would be read as more secrets.
  d.add('x-notes:');
  fillerYaml(r, d, 10 + Math.floor(r() * 20));
  return d;
}

function dockerfile(r: Rng): Doc {
  const d = new Doc();
  d.add(`FROM node:20-bookworm@sha256:${chars(r, 64, HEX)} AS build`, 'WORKDIR /app', 'COPY package*.json ./');
  if (r() < 0.4) d.plant('npm-token', `RUN echo "//registry.npmjs.org/:_authToken=${tokens.npm(r)}" > .npmrc && npm ci`);
  else d.add('RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci');
  if (r() < 0.3) d.plant('anthropic-api-key', `ENV ANTHROPIC_API_KEY=${tokens.anthropicApi(r)}`);
  if (r() < 0.3) d.plant('aws-access-key-id', `ARG AWS_ACCESS_KEY_ID=${tokens.awsKeyId(r)}`);
  if (r() < 0.3) d.decoy(`ARG ANTHROPIC_ENVIRONMENT_KEY`);
  d.add('COPY . .', 'RUN npm run build', `FROM gcr.io/distroless/nodejs20-debian12@sha256:${chars(r, 64, HEX)}`, 'USER 65532:65532', 'COPY --from=build /app/dist /app', 'CMD ["/app/main.js"]');
  for (let i = 0; i < 40; i++) d.add(`# build note ${i}: ${pick(r, words)} ${uuid(r)} https://docs.internal/${pick(r, words)}`);
  return d;
}

function jsonFile(r: Rng): Doc {
  const d = new Doc();
  const choice = r();
  if (choice < 0.25) {
    const a = dockerAuth(r);
    d.add('{', '  "auths": {');
    d.plant('docker-config-auth', `    "registry.internal": {\n      "auth": "${a.auth}"\n    },`, 1);
    d.decoy(`    "ghcr.io": {\n      "auth": ""\n    }`);
    d.add('  },', '  "credsStore": ""', '}');
  } else if (choice < 0.45) {
    const sa = googleServiceAccount(r);
    const lines = sa.text.split('\n');
    const at = lines.findIndex((l) => l.includes('"private_key"'));
    d.plant('google-service-account-key', sa.text, at);
  } else {
    d.add('{', `  "service": "${pick(r, APPS)}",`, '  "settings": {');
    for (let i = 0; i < 150; i++) d.add(`    "${pick(r, words)}_${i}": { "id": "${uuid(r)}", "url": "https://${pick(r, words)}.internal/${i}", "digest": "sha256:${chars(r, 64, HEX)}" },`);
    if (r() < 0.5) d.plant('slack-token', `    "slackToken": "${tokens.slack(r)}",`);
    if (r() < 0.4) d.plant('stripe-key', `    "stripe": "${tokens.stripe(r)}",`);
    if (r() < 0.4) d.decoy(`    "apiKey": "${decoys.anthropicPlaceholder()}",`);
    if (r() < 0.4) d.decoy(`    "awsKeyId": "${decoys.awsExample()}",`);
    d.add('    "last": true', '  }', '}');
  }
  return d;
}

function shellScript(r: Rng): Doc {
  const d = new Doc();
  d.add('#!/bin/sh', 'set -eu');
  for (let i = 0; i < 30; i++) d.add(`echo "step ${i}: ${pick(r, words)}"`, `curl -fsS https://${pick(r, words)}.internal/health/${uuid(r)} >/dev/null`);
  if (r() < 0.4) d.plant('anthropic-api-key', `curl https://api.anthropic.com/v1/messages -H "x-api-key: ${tokens.anthropicApi(r)}"`);
  if (r() < 0.3) d.plant('gitlab-token', `git clone https://oauth2:${tokens.gitlab(r)}@gitlab.internal/team/repo.git`);
  if (r() < 0.4) d.decoy(`curl https://api.anthropic.com/v1/messages -H "x-api-key: $ANTHROPIC_API_KEY"`);
  if (r() < 0.3) d.decoy(`export GITHUB_TOKEN="$(vault kv get -field=token secret/ci/github)"`);
  return d;
}

function awsCredentials(r: Rng): Doc {
  const d = new Doc();
  d.add('[default]', 'region = eu-west-1');
  d.plant('aws-access-key-id', `aws_access_key_id = ${tokens.awsKeyId(r)}`);
  d.plant('aws-secret-access-key', `aws_secret_access_key = ${tokens.awsSecret(r)}`);
  d.add('', '[example]');
  d.decoy(`aws_access_key_id = ${decoys.awsExample()}`);
  d.decoy(`aws_secret_access_key = ${decoys.awsSecretExample()}`);
  return d;
}

function keyFile(r: Rng): Doc {
  const d = new Doc();
  d.plant('private-key', pem(r, pick(r, PEM_KINDS), 400 + Math.floor(r() * 2000)).text);
  return d;
}

function markdown(r: Rng): Doc {
  const d = new Doc();
  d.add(`# ${pick(r, APPS)}`, '', 'Set the key before starting the worker:', '', '```sh');
  d.decoy(`export ANTHROPIC_API_KEY=${decoys.anthropicPlaceholder()}`);
  d.decoy(`export ANTHROPIC_ENVIRONMENT_KEY=<your-environment-key>`);
  d.decoy(`export GITHUB_TOKEN=${decoys.githubPlaceholder()}`);
  d.add('```', '');
  d.decoy(decoys.pemPlaceholder());
  for (let i = 0; i < 60; i++) d.add(`${pick(r, words)} ${pick(r, words)} ${pick(r, words)} see https://docs.internal/${pick(r, words)}#${i} (request ${uuid(r)}).`);
  if (r() < 0.2) d.plant('slack-token', `Ping the bot with token ${tokens.slack(r)} if stuck.`);
  return d;
}

function logFile(r: Rng): Doc {
  const d = new Doc();
  fillerText(r, d, 200 + Math.floor(r() * 300));
  if (r() < 0.3) d.plant('url-credentials', `2024-01-01T00:00:00Z WARN connecting to mongodb://svc:${tokens.password(r)}@mongo.internal:27017/app`);
  if (r() < 0.3) d.decoy(`2024-01-01T00:00:00Z INFO auth header Authorization: Bearer ${decoys.reference()}`);
  return d;
}

function mix(r: Rng, d: Doc, plants: (() => void)[], decoyList: (() => void)[], maxPlants: number, maxDecoys: number): void {
  const np = Math.floor(r() * (maxPlants + 1));
  const nd = Math.floor(r() * (maxDecoys + 1));
  for (let i = 0; i < np; i++) pick(r, plants)();
  for (let i = 0; i < nd; i++) pick(r, decoyList)();
}

const KINDS: [string, (r: Rng) => Doc, number][] = [
  ['.env', envFile, 4],
  ['deploy.yaml', k8sFile, 5],
  ['compose.yaml', composeFile, 3],
  ['Dockerfile', dockerfile, 2],
  ['config.json', jsonFile, 3],
  ['setup.sh', shellScript, 2],
  ['credentials', awsCredentials, 1],
  ['id_key.pem', keyFile, 1],
  ['README.md', markdown, 2],
  ['app.log', logFile, 3],
];

export function generate(out: string, sizeMb: number, seed: number): Manifest {
  const r = rng(seed);
  rmSync(out, { recursive: true, force: true });
  const total = KINDS.reduce((s, k) => s + k[2], 0);
  const manifest: Manifest = { seed, files: 0, bytes: 0, planted: [], decoys: 0 };
  const target = sizeMb * 1024 * 1024;
  for (let i = 0; manifest.bytes < target; i++) {
    let x = r() * total;
    const kind = KINDS.find((k) => (x -= k[2]) < 0) ?? KINDS[0]!;
    const doc = kind[1](r);
    const dir = `${pick(r, NAMESPACES)}/${pick(r, APPS)}-${Math.floor(i / 40)}`;
    const name = kind[0] === '.env' && r() < 0.5 ? `${pick(r, ['prod', 'staging', 'dev'])}.env` : kind[0];
    const rel = join(dir, `${String(i).padStart(5, '0')}-${name}`).replace(/\\/g, '/');
    const text = doc.text;
    mkdirSync(join(out, dirname(rel)), { recursive: true });
    writeFileSync(join(out, rel), text);
    manifest.files++;
    manifest.bytes += Buffer.byteLength(text);
    manifest.decoys += doc.decoys;
    for (const p of doc.planted) manifest.planted.push({ file: rel, ...p });
  }
  writeFileSync(join(out, '..', `${out.split('/').pop()}.manifest.json`), JSON.stringify(manifest));
  return manifest;
}

