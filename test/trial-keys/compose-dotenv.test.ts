import { describe, expect, it } from 'vitest';
import { scan, tempTrees } from '../secrets/helpers.js';

/**
 * docker compose reads the `.env` beside the compose file to interpolate it. Two projects that each
 * take `${ANTHROPIC_ENVIRONMENT_KEY}` from their own `.env`, holding the same key, share a key across
 * two trust boundaries; the `.env` files belonged to no boundary, so workload-isolation was
 * not-assessed. Fake value.
 */
const tree = tempTrees('sc-compose-dotenv-');
const KEY = 'Zk3Lm9Qw2Rt7Vb4Nc8XsYp6Dh1Jf5Gz';
const compose = 'services:\n  w:\n    image: w\n    environment:\n      ANTHROPIC_ENVIRONMENT_KEY: ${ANTHROPIC_ENVIRONMENT_KEY}\n';

describe("a compose project's .env belongs to the project", () => {
  it('the same key in the .env of two projects fails workload-isolation and names both places', async () => {
    const r = await scan(tree({ 'red/compose.yaml': compose, 'red/.env': `ANTHROPIC_ENVIRONMENT_KEY=${KEY}\n`, 'blue/compose.yaml': compose, 'blue/.env': `ANTHROPIC_ENVIRONMENT_KEY=${KEY}\n` }));
    expect(r.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('fail');
    const shared = r.findings.filter((f) => f.ruleId === 'secret-key-shared-across-boundaries').map((f) => [f.location.file, f.location.line, f.message]);
    expect(shared.map((s) => s.slice(0, 2)).sort()).toEqual([['blue/.env', 1], ['red/.env', 1]]);
    expect(shared[0]![2]).toMatch(/is used in 2 trust boundaries: compose project blue \(blue\/\.env:1( \[here\])?\) and compose project red \(red\/\.env:1( \[here\])?\)$/);
  });

  it('different keys in the two .env files pass', async () => {
    const r = await scan(tree({ 'red/compose.yaml': compose, 'red/.env': `ANTHROPIC_ENVIRONMENT_KEY=${KEY}\n`, 'blue/compose.yaml': compose, 'blue/.env': `ANTHROPIC_ENVIRONMENT_KEY=${KEY.slice(1)}Q\n` }));
    expect(r.checklist.find((c) => c.id === 'workload-isolation')!.verdict).toBe('pass');
  });
});

describe("${ANTHROPIC_ENVIRONMENT_KEY} that the project's .env supplies", () => {
  it('is not "from the deploy host": it comes from a file of the repository and fails', async () => {
    const r = await scan(tree({ 'red/compose.yaml': compose, 'red/.env': `LOG_LEVEL=info\nANTHROPIC_ENVIRONMENT_KEY=${KEY}\n` }));
    const f = r.findings.filter((x) => x.ruleId === 'secret-environment-key-unmanaged').map((x) => [x.verdict, x.location.file, x.location.line, x.message]);
    expect(f).toEqual([['fail', 'red/compose.yaml', 5, 'ANTHROPIC_ENVIRONMENT_KEY is interpolated from red/.env:2, a file of the repository, not from a secrets manager']]);
  });

  it('without a .env holding it, it stays a warning (the deploy host supplies it)', async () => {
    const r = await scan(tree({ 'red/compose.yaml': compose, 'red/.env': 'LOG_LEVEL=info\n' }));
    const f = r.findings.filter((x) => x.ruleId === 'secret-environment-key-unmanaged').map((x) => [x.verdict, x.location.line]);
    expect(f).toEqual([['warn', 5]]);
  });
});
