import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, sandcheck, tempDir } from '../helpers/cli.js';

const spc = (ns: string, objects: string) => `apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: env-key
  namespace: ${ns}
spec:
  provider: azure
  parameters:
    keyvaultName: kv-shared
${objects}`;

const BLOCK = `    objects: |
      array:
        - |
          objectName: anthropic-environment-key
          objectType: secret
`;
const QUOTED = `    objects: "array:\\n  - |\\n    objectName: anthropic-environment-key\\n"\n`;

describe('a SecretProviderClass store key shared across boundaries is located where it is written', () => {
  it('inside the objects block scalar, at the objectName line; in a quoted objects string, at objects:', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), spc('tenant-a', BLOCK));
    writeFileSync(join(dir, 'b.yaml'), spc('tenant-b', QUOTED));
    const report = json<{ findings: { ruleId: string; location: { file: string; line: number } }[] }>(sandcheck(['scan', '.', '--format', 'json'], { cwd: dir }));
    expect(report.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries').map((f) => `${f.location.file}:${f.location.line}`).sort()).toEqual(['a.yaml:13', 'b.yaml:10']);
  });
});
