import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../../src/engine/load-rules.js';
import { fixtureParts, renderAllDocs } from '../../src/report/rule-docs.js';
import { ROOT } from '../helpers/fixtures.js';

// kube-linter's `make generated-srcs && git diff --exit-code` as a test: docs/rules/ is generated
// from the rule files and fixtures and must match what is committed.
describe('generated rule docs', () => {
  it('are up to date (run `npm run docs` if this fails)', async () => {
    const expected = await renderAllDocs(loadRules().rules);
    const dir = join(ROOT, 'docs', 'rules');
    const committed = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.md')).sort() : [];
    expect(committed, 'docs/rules/ must hold exactly one page per rule plus README.md — run `npm run docs`').toEqual([...expected.keys()].sort());
    for (const [name, text] of expected) {
      expect(readFileSync(join(dir, name), 'utf8'), `docs/rules/${name} is stale — run \`npm run docs\``).toBe(text);
    }
  });
});

describe('examples in the rule docs', () => {
  it('carry nothing the secret detector takes for a key (fixtures are shown masked)', async () => {
    const { scanText } = await import('../../src/analyzers/secrets/index.js');
    const pages = await renderAllDocs(loadRules().rules);
    const hits = [...pages].flatMap(([name, text]) => scanText(text).map((h) => `${name}:${h.line} ${h.detector}`));
    expect(hits).toEqual([]);
    // And every secret the detector finds in a key-storage fixture is absent from every page: the
    // 12 characters after its first 4 (what a mask keeps) must not appear anywhere.
    const all = [...pages.values()].join('\n');
    const leaks: string[] = [];
    for (const rule of loadRules().rules.filter((r) => r.checklist === 'key-storage')) {
      const dir = join(ROOT, 'fixtures', 'rules', rule.id);
      // A folder fixture (a compose file and the secret file it names) counts with every file in it.
      for (const f of readdirSync(dir).filter((x) => x.startsWith('fail') && !x.endsWith('.image.json')).flatMap((x) => fixtureParts(rule.id, x))) {
        const text = readFileSync(join(dir, f), 'utf8');
        for (const h of scanText(text)) {
          const line = text.split('\n')[h.line - 1]!;
          const token = /[A-Za-z0-9_+/=.~-]{16,}/.exec(line.slice(h.column - 1).replace(/^[A-Z_][A-Z0-9_]*=/, ''))?.[0];
          if (token && all.includes(token.slice(4, 16))) leaks.push(`${rule.id}/${f}:${h.line}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });
});

describe('messages shown under an example', () => {
  // The page shows a fixture without its `# expect:` lines; a message that names a line of it
  // (`(fail.rules:11)`, `(… :15 [here])`) must name the line the page shows, as the `line N:` prefix does.
  it('name the lines of the example as shown', async () => {
    const pages = await renderAllDocs(loadRules().rules);
    const wrong: string[] = [];
    let checked = 0;
    for (const [name, text] of pages) {
      for (const m of text.matchAll(/^- (?:(\S+) )?line (\d+): (.*)$/gm)) {
        const [, part, line, message] = m;
        for (const here of message!.matchAll(/\(([^\s()]+):(\d+) \[here\]/g)) {
          checked++;
          if ((part === undefined || here[1] === part) && here[2] !== line) wrong.push(`${name}: line ${line} but ${here[1]}:${here[2]} [here]`);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});
