import { describe, expect, it } from 'vitest';
import { mergeService } from '../../src/inputs/compose/extends.js';

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
