import { describe, expect, it } from 'vitest';
import { dockerfileHandler } from '../../src/inputs/dockerfile/handler.js';
import { findDownloadPipe } from '../../src/inputs/dockerfile/shell-pipe.js';
import { makeSourceFile } from '../../src/inputs/collect.js';
import { InputError, type SourceFile } from '../../src/inputs/types.js';
import type { BuildData } from '../../src/model/build.js';
import { locate, type Target } from '../../src/model/target.js';

function source(path: string, text: string, absPath: string | null = `/repo/${path}`): SourceFile {
  return makeSourceFile(path, absPath, text);
}

function build(text: string, path = 'Dockerfile'): Target<BuildData> {
  const { targets } = dockerfileHandler.parse(source(path, text));
  expect(targets).toHaveLength(1);
  return targets[0] as Target<BuildData>;
}

function parseError(text: string): InputError {
  try {
    dockerfileHandler.parse(source('worker/Dockerfile', text));
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

// A Python agent worker as teams write it: build args for the base, a deps stage that installs
// poetry the documented (curl | python) way, a build stage with a remote ADD and a heredoc,
// and a distroless final stage pinned by digest that runs as a numeric user from a build arg.
const WORKER = `# syntax=docker/dockerfile:1.7
ARG PYTHON_IMAGE=python:3.12-slim
ARG APP_UID=10001

FROM \${PYTHON_IMAGE} AS deps
RUN apt-get update \\
 && apt-get install -y --no-install-recommends curl ca-certificates \\
 && curl -fsSL https://install.python-poetry.org | python3 - \\
 && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml poetry.lock ./

FROM deps AS build
ADD https://ci-token:s3cr3t@github.com/example/tool/releases/download/v1.2.3/tool.tar.gz /tmp/
# sandcheck-ignore dockerfile-add-remote -- checksum pinned, see --checksum
ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da3e4be5ad https://example.com/x.tgz /x
RUN <<EOT
set -eux
curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
EOT

FROM --platform=linux/amd64 gcr.io/distroless/python3-debian12:nonroot@sha256:0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b
ARG APP_UID
ENV PATH=/app/.venv/bin:$PATH \\
    PYTHONUNBUFFERED=1
COPY --from=build /app /app
USER \${APP_UID}:\${APP_UID}
ENTRYPOINT ["python", "-m", "worker"]
`;

describe('dockerfile handler: a multi-stage agent worker', () => {
  const t = build(WORKER, 'worker/Dockerfile');

  it('is one build target named by its path', () => {
    expect([t.kind, t.id, t.name, t.platform, t.file]).toEqual(['build', 'dockerfile:worker/Dockerfile', 'worker/Dockerfile', 'dockerfile', 'worker/Dockerfile']);
  });

  it('reads stages: build-arg defaults applied, stage references and digests recognised', () => {
    expect(t.data.stages.map((s) => ({ index: s.index, name: s.name, line: s.line, ref: s.from.ref, written: s.from.written, stage: s.from.stage, pinned: s.from.pinned, latest: s.from.latest }))).toEqual([
      { index: 0, name: 'deps', line: 5, ref: 'python:3.12-slim', written: '${PYTHON_IMAGE}', stage: false, pinned: false, latest: false },
      { index: 1, name: 'build', line: 12, ref: 'deps', written: 'deps', stage: true, pinned: false, latest: false },
      {
        index: 2,
        name: null,
        line: 21,
        ref: 'gcr.io/distroless/python3-debian12:nonroot@sha256:0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b',
        written: 'gcr.io/distroless/python3-debian12:nonroot@sha256:0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b0c0d0e0f0a0b',
        stage: false,
        pinned: true,
        latest: false,
      },
    ]);
    expect(t.data.stages[0]!.from.pinning).toBe('tag 3.12-slim can be re-pointed to a different image; pin it with @sha256:…');
    expect(t.data.stages[1]!.from.stageIndex).toBe(0);
    expect(t.data.stages[2]!.from.platform).toBe('linux/amd64');
    expect(t.data.finalStage).toBe(2);
  });

  it('resolves the final USER through the stage-local ARG and its global default', () => {
    expect(t.data.finalUser).toEqual({
      value: '${APP_UID}:${APP_UID}',
      resolved: '10001:10001',
      uid: 10001,
      gid: 10001,
      name: null,
      root: false,
      nonRoot: true,
      unresolved: false,
      reason: 'the final stage sets USER ${APP_UID}:${APP_UID} (= 10001:10001)',
      stage: 2,
      line: 26,
    });
  });

  it('reads ARG and ENV with values and lines', () => {
    expect(t.data.args).toEqual([
      { name: 'PYTHON_IMAGE', value: 'python:3.12-slim', line: 2, stage: null },
      { name: 'APP_UID', value: '10001', line: 3, stage: null },
      { name: 'APP_UID', value: null, line: 22, stage: 2 },
    ]);
    expect(t.data.env).toEqual([
      { name: 'PATH', value: '/app/.venv/bin:$PATH', line: 23, stage: 2 },
      { name: 'PYTHONUNBUFFERED', value: '1', line: 23, stage: 2 },
    ]);
  });

  it('expands ${VAR:?message} and ${VAR?message} in ADD sources to the value (a build without one fails)', () => {
    const adds = (text: string) => build(text).data.adds.map((a) => [a.remote, a.remoteHosts]);
    expect(adds('FROM scratch\nARG U=https://example.com/t.tgz\nADD ${U:?required} /opt/\nADD ${U?required} /opt/\n')).toEqual([
      [true, ['example.com']],
      [true, ['example.com']],
    ]);
    // No value: the source stays as written (the build stops there).
    expect(adds('FROM scratch\nARG U\nADD ${U:?required} /opt/\n')).toEqual([[false, []]]);
  });

  it('marks remote ADDs, keeping only the host (the URL may carry a token)', () => {
    expect(t.data.adds).toEqual([
      {
        sources: ['https://ci-token:s3cr3t@github.com/example/tool/releases/download/v1.2.3/tool.tar.gz'],
        destination: '/tmp/',
        remote: true,
        remoteHosts: ['github.com'],
        checksum: null,
        line: 13,
        stage: 1,
      },
      {
        sources: ['https://example.com/x.tgz'],
        destination: '/x',
        remote: true,
        remoteHosts: ['example.com'],
        checksum: 'sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da3e4be5ad',
        line: 15,
        stage: 1,
      },
    ]);
    expect(t.data.copies).toEqual([
      { sources: ['pyproject.toml', 'poetry.lock'], destination: './', from: null, fromStage: null, image: null, line: 10, stage: 0 },
      { sources: ['/app'], destination: '/app', from: 'build', fromStage: 1, image: null, line: 25, stage: 2 },
    ]);
  });

  it('resolves COPY --from to a stage (by name, index or build arg) or an external image', () => {
    const copies = build('ARG UV=ghcr.io/astral-sh/uv:0.4.18\nARG STAGE=base\nFROM debian:12 AS Base\nFROM scratch\nCOPY --from=0 /a /a\nCOPY --from=BASE /b /b\nCOPY --from=${STAGE} /c /c\nCOPY --from=${UV} /uv /bin/\nCOPY --from=busybox /bin/sh /bin/sh\n').data.copies;
    expect(copies.map((c) => [c.line, c.fromStage, c.image && [c.image.instruction, c.image.ref, c.image.written, c.image.pinned, c.image.latest]])).toEqual([
      [5, 0, null],
      [6, 0, null],
      [7, 0, null],
      [8, null, ['COPY --from', 'ghcr.io/astral-sh/uv:0.4.18', '${UV}', false, false]],
      [9, null, ['COPY --from', 'busybox', 'busybox', false, true]],
    ]);
  });

  it('finds downloads piped into an interpreter across continuations and heredocs', () => {
    expect(t.data.runs.map((r) => [r.line, r.endLine, r.stage, r.pipesDownloadToShell, r.downloader, r.interpreter])).toEqual([
      [6, 9, 0, true, 'curl', 'python3'],
      [16, 19, 1, true, 'curl', 'bash'],
    ]);
  });

  it('maps every pointer to its instruction line', () => {
    const lines = Object.fromEntries(
      ['', '/stages/0/from', '/stages/1', '/stages/2/from', '/finalUser', '/adds/0', '/adds/1', '/runs/0', '/runs/1', '/copies/1', '/env/1', '/args/2', '/runs/0/pipesDownloadToShell'].map((p) => [p, locate(t, p).line]),
    );
    expect(lines).toEqual({
      '': 21,
      '/stages/0/from': 5,
      '/stages/1': 12,
      '/stages/2/from': 21,
      '/finalUser': 26,
      '/adds/0': 13,
      '/adds/1': 15,
      '/runs/0': 6,
      '/runs/1': 16,
      '/copies/1': 25,
      '/env/1': 23,
      '/args/2': 22,
      '/runs/0/pipesDownloadToShell': 6,
    });
    expect(locate(t, '/adds/1')).toEqual({ file: 'worker/Dockerfile', line: 15, column: 1, pointer: '/adds/1' });
  });

  it('turns a sandcheck-ignore comment into a suppression of the next instruction', () => {
    expect(t.suppressions).toEqual([
      {
        ruleId: 'dockerfile-add-remote',
        reason: 'checksum pinned, see --checksum',
        source: 'comment',
        location: { file: 'worker/Dockerfile', line: 14, column: 1 },
        appliesToLine: 15,
      },
    ]);
  });
});

describe('dockerfile handler: the final stage user', () => {
  const user = (text: string) => build(text).data.finalUser;

  it('no USER is root', () => {
    expect(user('FROM node:20\nRUN npm ci\n')).toMatchObject({
      value: null,
      root: true,
      nonRoot: false,
      stage: null,
      line: null,
      reason: 'the final stage has no USER instruction, so it runs as the base image user, root unless the base image sets one',
    });
  });

  it.each([
    ['USER root', { uid: 0, name: 'root', root: true, nonRoot: false, reason: 'the final stage sets USER root, which is root' }],
    ['USER 0', { uid: 0, name: null, root: true, nonRoot: false, reason: 'the final stage sets USER 0, which is root' }],
    ['USER 0:0', { uid: 0, gid: 0, root: true, nonRoot: false }],
    ['USER root:root', { uid: 0, name: 'root', root: true, nonRoot: false }],
    ['USER node', { uid: null, name: 'node', root: false, nonRoot: true, reason: 'the final stage sets USER node' }],
    ['USER 1000:1000', { uid: 1000, gid: 1000, root: false, nonRoot: true }],
    ['USER $APP_USER', { resolved: null, root: false, nonRoot: false, unresolved: true, reason: 'the final stage sets USER $APP_USER, which depends on APP_USER with no default, so it is not proven to be non-root' }],
    ['ARG APP_USER=app\nUSER ${APP_USER}', { resolved: 'app', name: 'app', nonRoot: true }],
    ['ENV UID=0\nUSER ${UID}', { resolved: '0', uid: 0, root: true, nonRoot: false, reason: 'the final stage sets USER ${UID} (= 0), which is root' }],
    ['USER app\nRUN id\nUSER root', { name: 'root', root: true, line: 4 }],
  ])('%s', (tail, expected) => {
    expect(user(`FROM debian:12\n${tail}\n`)).toMatchObject(expected);
  });

  it('is inherited from the stage the final stage is built FROM', () => {
    expect(user('FROM debian:12 AS base\nUSER 10001\nFROM base\nRUN true\n')).toMatchObject({
      uid: 10001,
      nonRoot: true,
      stage: 0,
      line: 2,
      reason: 'the final stage inherits from stage base USER 10001',
    });
  });

  it('is not inherited from a stage the final stage only copies from', () => {
    expect(user('FROM debian:12 AS base\nUSER 10001\nFROM debian:12\nCOPY --from=base /x /x\n')).toMatchObject({ root: true, nonRoot: false, line: null });
  });

  it('a missing USER points at the final FROM', () => {
    const t = build('FROM golang:1.22 AS build\nUSER 1000\nFROM alpine:3.20\nCMD ["sh"]\n');
    expect(locate(t, '/finalUser').line).toBe(3);
  });
});

describe('dockerfile handler: FROM forms', () => {
  const froms = (text: string) => build(text).data.stages.map((s) => s.from);

  it('scratch, untagged, latest, unresolved args and lower-case stage names', () => {
    const f = froms('ARG BASE\nFROM scratch AS empty\nFROM ubuntu\nFROM node:latest AS Build\nFROM ${BASE}\nFROM build\nFROM empty\n');
    expect(f.map((x) => [x.ref, x.scratch, x.stage, x.stageIndex, x.latest, x.pinned, x.unresolved])).toEqual([
      ['scratch', true, false, null, false, false, false],
      ['ubuntu', false, false, null, true, false, false],
      ['node:latest', false, false, null, true, false, false],
      ['${BASE}', false, false, null, false, false, true],
      ['build', false, true, 2, false, false, false],
      ['empty', false, true, 0, false, false, false],
    ]);
    expect(f.map((x) => x.pinning)).toEqual([
      'the empty scratch image',
      'it has no tag, which means latest, and latest moves',
      'the tag latest moves to a new image with every release',
      'it depends on build argument BASE with no default, so the image cannot be verified',
      'an earlier build stage',
      'an earlier build stage',
    ]);
  });
});

describe('download piped into a shell', () => {
  it.each([
    'curl -fsSL https://get.docker.com | sh',
    'curl -fsSL https://get.docker.com | sudo sh',
    'wget -qO- https://x.example/install | sudo -E bash -s -- --yes',
    'curl -sSL https://install.python-poetry.org | python3 -',
    'curl -s https://x.example/i.py | python',
    'curl -L https://x.example/a.gz | gunzip | sh',
    '/usr/bin/curl -fsSL https://x.example | /bin/bash',
    'set -e; apt-get update && curl https://x.example/setup | bash && apt-get clean',
    'sh -c "$(curl -fsSL https://raw.githubusercontent.com/ohmyzsh/ohmyzsh/master/tools/install.sh)"',
    'bash -c "$(wget -qO- https://x.example/i.sh)"',
    'bash <(curl -s https://x.example/i.sh)',
    'eval "$(curl -fsSL https://x.example/env)"',
    'source <(curl -s https://x.example/env.sh)',
    '. <(curl -s https://x.example/env.sh)',
    "sh -c 'curl -fsSL https://x.example | sh'",
    'curl https://x.example/i.pl | perl',
    'curl https://x.example/i.rb | ruby',
    'curl -fsSL https://deb.nodesource.com/setup_20.x | node',
    'fetch -o - https://x.example/i.sh | sh',
    'iwr https://x.example/i.ps1 -UseBasicParsing | iex',
    'Invoke-WebRequest https://x.example/i.ps1 | Invoke-Expression',
    "iex ((New-Object System.Net.WebClient).DownloadString('https://x.example/i.ps1'))",
    'curl -fsSL https://x.example/i.sh |\n  bash',
    'env FOO=1 curl https://x.example | env BAR=2 sh',
    '(curl -s https://x.example | sh)',
    'curl -s https://x.example | busybox sh',
    // Saved to a file, then run with nothing checking it in between.
    'curl -fsSL https://x.example/i.sh -o i.sh; bash i.sh',
    'curl -fsSLo install.sh https://x.example/i.sh && sh install.sh',
    'curl -fsSL -o /tmp/i.sh https://x.example/i.sh\nbash /tmp/i.sh --yes',
    'wget https://x.example/setup.sh && chmod +x setup.sh && ./setup.sh',
    'curl -O https://x.example/get-tool.sh && sh get-tool.sh',
    'curl --output app.py https://x.example/app.py && python3 app.py',
    'wget -O /opt/i.pl https://x.example/i.pl && perl /opt/i.pl',
  ])('%s', (script) => {
    expect(findDownloadPipe(script)).not.toBeNull();
  });

  it.each([
    'curl -fsSL https://x.example/tool.tgz | tar -xz -C /usr/local/bin',
    'curl -fsSL https://api.github.com/repos/x/y/releases/latest | python3 -c "import sys, json; print(json.load(sys.stdin)[\'tag_name\'])"',
    'curl -s https://x.example/data.json | python3 -m json.tool',
    'curl -fsSLo /tmp/i.sh https://x.example/i.sh && echo "abc  /tmp/i.sh" | sha256sum -c && sh /tmp/i.sh',
    'wget -q https://x.example/key.gpg -O- | gpg --dearmor > /usr/share/keyrings/x.gpg',
    'curl https://x.example | sh install.sh',
    "echo 'curl https://x.example | sh'",
    'apt-get install -y curl bash',
    'echo curl | bash',
    '# curl https://x.example | sh',
    // Verified before it runs (a named file, or a checksum list), or saved and never run.
    'curl -fsSLO https://x.example/tool.tar.gz && curl -fsSLO https://x.example/SHA256SUMS && sha256sum -c --ignore-missing SHA256SUMS && tar xzf tool.tar.gz && ./tool/install.sh',
    'curl -fsSLo i.sh https://x.example/i.sh && curl -fsSLo i.sh.asc https://x.example/i.sh.asc && gpg --verify i.sh.asc i.sh && sh i.sh',
    'curl -o data.json https://x.example/data.json && python3 process.py data.json',
    'curl -o tool https://x.example/tool && chmod +x tool && mv tool /usr/local/bin/',
    'wget -O - https://x.example/i.sh > /dev/null; sh i.sh',
    'curl -o x.sh https://x.example/x.sh && sh -c "echo hi" x.sh',
    'curl -s https://x.example | jq -r .version | xargs -I{} echo {}',
  ])('not: %s', (script) => {
    expect(findDownloadPipe(script)).toBeNull();
  });

  it('random shell-ish and Dockerfile-ish text never crashes or hangs', () => {
    const parts = ['curl ', 'sh', ' | ', '$(', ')', '`', "'", '"', '\\', '\n', '<(', '&&', ';', '#', 'bash -c ', ' -s', '{', '}', 'x', ' ', '<<EOF\n', 'EOF\n', 'RUN ', 'FROM a\n', 'USER ', '${A}', 'ADD ', 'http://x ', '[', ']', 'ARG A=1\n'];
    let seed = 11;
    const pick = () => parts[(seed = (seed * 1103515245 + 12345) & 0x7fffffff) % parts.length]!;
    for (let k = 0; k < 1500; k++) {
      const text = Array.from({ length: k % 30 }, pick).join('');
      findDownloadPipe(text);
      try {
        dockerfileHandler.parse(source('Dockerfile', text));
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`crash on ${JSON.stringify(text)}: ${(e as Error).stack}`);
      }
    }
  });

  it('reads the JSON form and ignores heredocs run by a non-shell', () => {
    const runs = build('FROM debian:12\nRUN ["/bin/sh", "-c", "curl -s https://x.example | sh"]\nRUN python3 <<EOF\nprint("curl https://x | sh")\nEOF\nRUN ["curl", "-o", "/x", "https://x.example"]\n').data.runs;
    expect(runs.map((r) => [r.line, r.pipesDownloadToShell])).toEqual([
      [2, true],
      [3, false],
      [6, false],
    ]);
  });

  it('drops comment lines inside continuations, as Docker does', () => {
    const runs = build('FROM debian:12\nRUN curl -fsSL https://x.example \\\n# piped below\n  | bash\n').data.runs;
    expect(runs[0]).toMatchObject({ line: 2, endLine: 4, pipesDownloadToShell: true, interpreter: 'bash' });
  });

  it('reads CRLF files, RUN flags and heredocs that only write a file', () => {
    const runs = build(
      'FROM alpine:3.20\r\nRUN <<EOT\r\ncurl https://x.example | sh\r\nEOT\r\nRUN --mount=type=cache,target=/root/.cache curl -fsSL https://x.example | sh\r\nRUN cat <<EOF > /etc/motd\r\ncurl https://x.example | sh\r\nEOF\r\n',
    ).data.runs;
    expect(runs.map((r) => [r.line, r.endLine, r.pipesDownloadToShell])).toEqual([
      [2, 4, true],
      [5, 5, true],
      [6, 8, false],
    ]);
    expect(runs[0]!.command).toBe('\ncurl https://x.example | sh');
  });

  it('honours the escape directive', () => {
    const runs = build('# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN iwr https://x.example/i.ps1 -UseBasicParsing `\n  | iex\n').data.runs;
    expect(runs[0]).toMatchObject({ line: 3, pipesDownloadToShell: true, downloader: 'iwr', interpreter: 'iex' });
  });
});

describe('dockerfile handler: suppressions', () => {
  it('stacks comments, splits rule lists and records a missing reason as null', () => {
    const t = build('FROM debian:12\n# sandcheck-ignore dockerfile-user-root -- runs as root to bind port 80\n# sandcheck-ignore dockerfile-add-remote, dockerfile-curl-pipe-shell\n\nRUN curl https://x | sh\n');
    expect(t.suppressions.map((s) => [s.ruleId, s.reason, s.location?.line, s.appliesToLine])).toEqual([
      ['dockerfile-user-root', 'runs as root to bind port 80', 2, 5],
      ['dockerfile-add-remote', null, 3, 5],
      ['dockerfile-curl-pipe-shell', null, 3, 5],
    ]);
  });
});

describe('dockerfile handler: detection', () => {
  const detect = (path: string, text = 'FROM x\n', abs: string | null = `/r/${path}`) => dockerfileHandler.detect(source(path, text, abs));
  it.each(['Dockerfile', 'dockerfile', 'Dockerfile.worker', 'Dockerfile-dev', 'worker.Dockerfile', 'api.dockerfile', 'Containerfile', 'Containerfile.gpu', 'build/Dockerfile'])('by name: %s', (p) => {
    expect(detect(p)).toBe(true);
  });
  it.each(['Dockerfile.dockerignore', 'Dockerfile.md', 'README.md', 'docker-compose.yml', 'Dockerfiles', 'src/dockerfile.ts'])('not: %s', (p) => {
    expect(detect(p)).toBe(false);
  });
  it('stdin by content', () => {
    expect(detect('<stdin>', '# syntax=docker/dockerfile:1\nARG V=1\nFROM alpine:3.20\n', null)).toBe(true);
    expect(detect('<stdin>', 'services:\n  a:\n    image: x\n', null)).toBe(false);
  });
});

/** `ARG A0=` 16 characters, then `ARG An=${A(n-1)}${A(n-1)}` up to n = count, after `head`. */
function doublingArgs(head: string, count: number): string {
  return head + ['ARG A0=xxxxxxxxxxxxxxxx', ...Array.from({ length: count }, (_, i) => `ARG A${i + 1}=\${A${i}}\${A${i}}`)].join('\n') + '\n';
}

describe('dockerfile handler: malformed input gives an InputError with file, line and reason', () => {
  it.each([
    ['', undefined, 'no FROM instruction: not a buildable Dockerfile'],
    ['# only a comment\n', undefined, 'no FROM instruction: not a buildable Dockerfile'],
    ['RUN echo hi\nFROM alpine:3.20\n', 1, 'RUN before the first FROM (only ARG may come first)'],
    ['FROM alpine:3.20\nRUNN echo hi\n', 2, "unknown instruction 'RUNN'"],
    ['FROM alpine:3.20\n\n  mkdir /app\n', 3, "unknown instruction 'mkdir'"],
    ['FROM\nRUN true\n', 1, 'FROM without an image'],
    ['FROM alpine:3.20 AS base\nFROM debian:12 AS Base\n', 2, "duplicate stage name 'base'"],
    ['FROM alpine\u0000\n', undefined, 'not a text file (contains NUL bytes)'],
  ])('%j', (text, line, reason) => {
    const e = parseError(text);
    expect([e.file, e.line, e.reason]).toEqual(['worker/Dockerfile', line, reason]);
  });

  // 40 ARGs, each twice the one before: 2^44 characters once substituted. A17 is the first past 1 MiB.
  it.each([
    ['in a stage', doublingArgs('FROM alpine:3.20\n', 40), 19, 'ARG'],
    ['before the first FROM', doublingArgs('', 40) + 'FROM alpine:3.20\n', 18, 'ARG'],
    ['in USER', `${doublingArgs('FROM alpine:3.20\n', 12)}USER ${'${A12}'.repeat(20)}\n`, 15, 'USER'],
  ])('refuses variable substitution that grows past 1 MiB (%s) at the instruction that does it', (_, text, line, keyword) => {
    const e = parseError(text);
    expect([e.file, e.line, e.reason]).toEqual(['worker/Dockerfile', line, `${keyword}: variable substitution makes a value longer than 1 MiB (variables that repeat each other?)`]);
  });
});

describe('dockerfile-curl-pipe-shell in a heredoc RUN', () => {
  it('is located at the script line that completes the unverified download; a continued RUN, or a heredoc RUN whose own line pipes, stays at its RUN line', async () => {
    const { json, sandcheck, tempDir } = await import('../helpers/cli.js');
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = tempDir();
    writeFileSync(
      join(dir, 'Dockerfile'),
      [
        `FROM debian:12@sha256:${'2d3e'.repeat(16)}`,
        'RUN <<EOT',
        'set -eux',
        'curl -fsSLo /tmp/i.sh https://get.example.dev/i.sh',
        'chmod +x /tmp/i.sh',
        '/tmp/i.sh --yes',
        'EOT',
        'RUN <<EOT',
        'curl -fsSL https://x.example/a.sh |',
        '  bash',
        'EOT',
        'RUN apt-get update \\',
        ' && curl -fsSL https://x.example/b.sh | sh',
        'RUN bash -c "curl -fsSL https://x.example/c.sh | sh" <<EOT',
        'echo hi',
        'EOT',
        'RUN <<EOT',
        'sh /tmp/j.sh',
        'curl -fsSLo /tmp/j.sh https://x.example/j.sh',
        'sh /tmp/j.sh',
        'EOT',
        // A long script (no longer capped at 400 lines): the download is run at file line 524.
        'RUN <<EOT',
        ...Array.from({ length: 500 }, (_, i) => `echo step ${i}`),
        'wget -O /tmp/k.sh https://x.example/k.sh',
        'sh /tmp/k.sh',
        'EOT',
        'USER 10001',
        '',
      ].join('\n'),
    );
    const report = json<{ findings: { ruleId: string; location: { line: number } }[] }>(sandcheck(['scan', '.', '--format', 'json'], { cwd: dir }));
    expect(report.findings.filter((f) => f.ruleId === 'dockerfile-curl-pipe-shell').map((f) => f.location.line)).toEqual([6, 10, 12, 14, 20, 524]); // 20, not 18: the same line before the download is not it
  });
});
