import { describe, expect, it } from 'vitest';
import { mergeService } from '../../src/inputs/compose/extends.js';
import { deviceOf } from '../../src/inputs/compose/service.js';

const part = (value: Record<string, unknown>) => ({ value, prov: { path: ['services', 'w'] } });

// Compose merge rules for nested mappings: healthcheck.test is a command (replaced); other sequences append.
describe('mergeService nested keys', () => {
  it('healthcheck.test is replaced; a sequence under another key named test is appended; build.args merge by name', () => {
    const merged = mergeService(
      part({ healthcheck: { test: ['CMD', 'a'], interval: '5s' }, 'x-checks': { test: ['one'] }, build: { args: { A: '1', B: '2' } } }),
      part({ healthcheck: { test: ['CMD', 'b'] }, 'x-checks': { test: ['two'] }, build: { args: { B: '3' } } }),
    ).value;
    expect(merged).toEqual({
      healthcheck: { test: ['CMD', 'b'], interval: '5s' },
      'x-checks': { test: ['one', 'two'] },
      build: { args: { A: '1', B: '3' } },
    });
  });
});

// volumes and devices merge by the path in the container, read as the service reader reads them
// (volumes.ts splitShort, service.ts deviceOf): `${VAR:-default}` substituted, drive letters kept whole.
describe('mergeService by the path in the container', () => {
  it('a volume written with ${VAR:-default} or a Windows drive replaces the entry for the same container path', () => {
    const merged = mergeService(
      part({ volumes: ['${DATA:-./data}:/data:ro', 'C:\\cache:/cache', '/var/run/docker.sock:/var/run/docker.sock:ro'] }),
      part({ volumes: ['./other:${TARGET:-/data}', 'D:\\cache:/cache:rw'] }),
    ).value;
    expect(merged.volumes).toEqual(['./other:${TARGET:-/data}', 'D:\\cache:/cache:rw', '/var/run/docker.sock:/var/run/docker.sock:ro']);
  });

  it('a device with ${VAR:-default} host path is the same device as the plain entry for its container path', () => {
    const merged = mergeService(part({ devices: ['/dev/fuse', '${KVM:-/dev/kvm}:/dev/kvm:rw'] }), part({ devices: ['/dev/kvm:/dev/kvm:r', { source: '/dev/fuse', target: '/dev/fuse' }] })).value;
    expect(merged.devices).toEqual([{ source: '/dev/fuse', target: '/dev/fuse' }, '/dev/kvm:/dev/kvm:r']);
  });

  it('the service reader substitutes ${VAR:-default} in a device as the merge does', () => {
    expect(deviceOf('${KVM:-/dev/kvm}:/dev/kvm:rw')).toEqual({ hostPath: '/dev/kvm', containerPath: '/dev/kvm', permissions: 'rw' });
    expect(deviceOf('/dev/fuse')).toEqual({ hostPath: '/dev/fuse', containerPath: '/dev/fuse', permissions: 'rwm' });
  });
});
