import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

// compose files are read with js-yaml; one it refuses (an unknown tag) is read with `yaml`, as before.
describe('compose read by the fast reader or, when it refuses the file, by yaml', () => {
  const findingsOf = (text: string) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'compose.yaml'), text);
    const r = sandcheck(['scan', join(dir, 'compose.yaml'), '--format', 'json']);
    const report = json(r);
    return { code: r.code, inputs: report.inputs as { format: string; status: string }[], privileged: (report.findings as { ruleId: string; location: { line: number } }[]).filter((f) => f.ruleId === 'container-privileged').map((f) => f.location.line) };
  };
  const body = (image: string) => ['services:', '  app:', `    image: ${image}`, '    user: "10001:10001"', '    privileged: true', ''].join('\n');

  it('the same findings at the same lines either way', () => {
    const plain = findingsOf(body('registry.internal/app:1.0'));
    const tagged = findingsOf(body('!custom registry.internal/app:1.0')); // js-yaml: unknown tag
    for (const r of [plain, tagged]) {
      expect(r.code).toBe(1);
      expect(r.inputs).toEqual([expect.objectContaining({ format: 'compose', status: 'parsed' })]);
      expect(r.privileged).toEqual([5]);
    }
  });
});
