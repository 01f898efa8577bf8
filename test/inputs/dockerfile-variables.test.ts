import { describe, expect, it } from 'vitest';
import { expand } from '../../src/inputs/dockerfile/variables.js';

const scope = new Map<string, string | null>([
  ['URL', 'https://downloads.example.com/tools/fmt-1.2.tgz'],
  ['FILE', 'release.tar.gz'],
  ['EMPTY', ''],
  ['NODEFAULT', null],
]);
const v = (text: string) => expand(text, scope).value;

describe('Dockerfile variable substitution: BuildKit pattern forms', () => {
  it('removes the shortest and longest matching prefix and suffix', () => {
    expect(v('${FILE%.*}')).toBe('release.tar');
    expect(v('${FILE%%.*}')).toBe('release');
    expect(v('${FILE#*.}')).toBe('tar.gz');
    expect(v('${FILE##*.}')).toBe('gz');
    expect(v('${URL%.tgz}.tar')).toBe('https://downloads.example.com/tools/fmt-1.2.tar');
    expect(v('${URL#https://}')).toBe('downloads.example.com/tools/fmt-1.2.tgz');
    expect(v('${FILE%.zip}')).toBe('release.tar.gz');
    expect(v('${FILE#[a-r]}')).toBe('elease.tar.gz');
    expect(v('${FILE#[!a-r]}')).toBe('release.tar.gz');
  });

  it('replaces the first or every longest match', () => {
    expect(v('${FILE/./-}')).toBe('release-tar.gz');
    expect(v('${FILE//./-}')).toBe('release-tar-gz');
    expect(v('${FILE/r*e/R}')).toBe('R.tar.gz');
    expect(v('${FILE//a}')).toBe('relese.tr.gz');
  });

  it('leaves a variable with no value unresolved, as the other forms do', () => {
    expect(expand('${NODEFAULT%.tgz}', scope)).toEqual({ value: '${NODEFAULT%.tgz}', unresolved: ['NODEFAULT'] });
    expect(v('${EMPTY#x}')).toBe('');
  });
});
