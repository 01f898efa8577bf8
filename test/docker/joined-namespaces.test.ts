import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';
import { buildImage, docker, testEngine } from '../image/helpers/engine.js';

// `--network container:<x>` (and --pid, --ipc) joins x's namespace: the host's when x is in it, directly
// or through a chain. The engine stores the join by x's full id; the containers are created, not started.
const engine = testEngine();
const IMAGE = 'sc-test/joins:1';
const NAMES = ['sc-join-host', 'sc-join-a', 'sc-join-b', 'sc-join-none', 'sc-join-c'];

describe.skipIf(!engine.host)(`sandcheck docker: joins into a host namespace${engine.host ? '' : ` (skipped: ${engine.reason})`}`, () => {
  const env = () => ({ DOCKER_HOST: engine.host! });
  beforeAll(async () => {
    await buildImage(engine, tempDir(), IMAGE, 'FROM scratch\nCOPY busybox /bin/busybox\nENTRYPOINT ["/bin/busybox"]\nCMD ["sleep", "600"]\n');
    for (const n of NAMES) docker(engine, ['rm', '-f', n]);
    docker(engine, ['create', '--name', 'sc-join-host', '--network', 'host', '--pid', 'host', '--ipc', 'host', IMAGE]);
    docker(engine, ['create', '--name', 'sc-join-a', '--network', 'container:sc-join-host', '--pid', 'container:sc-join-host', '--ipc', 'container:sc-join-host', IMAGE]);
    docker(engine, ['create', '--name', 'sc-join-b', '--network', 'container:sc-join-a', IMAGE]);
    docker(engine, ['create', '--name', 'sc-join-none', '--network', 'none', IMAGE]);
    docker(engine, ['create', '--name', 'sc-join-c', '--network', 'container:sc-join-none', IMAGE]);
  }, 240_000);
  afterAll(() => {
    for (const n of NAMES) docker(engine, ['rm', '-f', n]);
  });

  const hostNamespace = (name: string): string[][] => {
    // Only the joining container is listed: the one it joins is looked up by the engine.
    const report = json(sandcheck(['docker', '--all', '--name', name, '-f', 'json'], { env: env() }));
    return (report.findings as { ruleId: string; location: { detail?: string }; message: string }[])
      .filter((f) => f.ruleId === 'workload-host-namespace')
      .map((f) => [f.location.detail!, f.message])
      .sort();
  };

  it('reports a join of a container in the host namespaces, named, at the HostConfig field', () => {
    expect(hostNamespace('sc-join-a')).toEqual([
      ['HostConfig.IpcMode', "Shares a host namespace (`--ipc container:sc-join-host`, joining a container in the host's IPC namespace)"],
      ['HostConfig.NetworkMode', "Shares a host namespace (`--network container:sc-join-host`, joining a container in the host's network namespace)"],
      ['HostConfig.PidMode', "Shares a host namespace (`--pid container:sc-join-host`, joining a container in the host's PID namespace)"],
    ]);
  });

  it('follows a chain of joins, and reports nothing for a join of a container in its own namespace', () => {
    expect(hostNamespace('sc-join-b')).toEqual([["HostConfig.NetworkMode", "Shares a host namespace (`--network container:sc-join-a`, joining a container in the host's network namespace)"]]);
    expect(hostNamespace('sc-join-c')).toEqual([]);
  });
});
