import { describe, expect, it } from 'vitest';
import { classifyPair } from '../../src/analyzers/secrets/classify.js';
import { seededToken } from '../helpers/tokens.js';

// A value that the variable's name says is the environment key is a finding unless it is wholly a
// placeholder: a word that happens to sit inside a generated body must not hide a real key.
const body = seededToken;

describe('named Anthropic keys and placeholders', () => {
  const hidden = [
    `sk-ant-api03-${body(47, 1)}Sample${body(40, 2)}AA`,
    `sk-ant-api03-${body(30, 3)}example${body(30, 4)}`,
    `sk-ant-api03-${body(30, 5)}xxxx${body(30, 6)}`,
    `sk-ant-api03-${body(30, 7)}TODO${body(30, 8)}`,
    `${body(20, 9)}dummy${body(20, 10)}`, // any format: the name decides
  ];
  it.each(hidden.map((v, i) => [i, v]))('reports a real-looking key with a placeholder word inside (%i)', (_, v) => {
    for (const name of ['ANTHROPIC_ENVIRONMENT_KEY', 'ANTHROPIC_API_KEY']) {
      const hits = classifyPair(name, v as string);
      expect(hits.length, name).toBeGreaterThan(0);
      expect(hits[0]!.severity).toBe('critical');
    }
  });

  const placeholders = ['changeme', '<your-key>', 'sk-ant-api03-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx', 'sk-ant-api03-REPLACE_ME', 'your-key-here', 'sk-ant-...', '${ANTHROPIC_ENVIRONMENT_KEY}', '', 'sk-ant-api03-your_key_here', '**********'];
  it.each(placeholders)('does not report a value that is wholly a placeholder: %s', (v) => {
    expect(classifyPair('ANTHROPIC_ENVIRONMENT_KEY', v)).toEqual([]);
  });
});
