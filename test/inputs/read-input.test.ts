import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectPaths, MAX_FILE_BYTES } from '../../src/inputs/collect.js';
import { readInput } from '../../src/inputs/read-input.js';
import { tempDir } from '../helpers/cli.js';

const MiB = 1 << 20;

function file(name: string, content: string | Buffer): string {
  const dir = tempDir();
  writeFileSync(join(dir, name), content);
  return join(dir, name);
}

describe('readInput (the collector reads every file through it)', () => {
  it('decodes a small file and an empty one as UTF-8', () => {
    expect(readInput(file('a.env', 'KEY=välue\n'), MAX_FILE_BYTES)).toEqual({ kind: 'text', text: 'KEY=välue\n' });
    expect(readInput(file('empty.yaml', ''), MAX_FILE_BYTES)).toEqual({ kind: 'text', text: '' });
  });

  it('reads a file of exactly the buffer size, and larger ones, whole; a character split across the buffer boundary stays whole', () => {
    const exact = 'a'.repeat(MiB);
    expect(readInput(file('exact.txt', exact), MAX_FILE_BYTES)).toEqual({ kind: 'text', text: exact });
    // 'é' is two bytes: its first byte is the buffer's last.
    const large = 'a'.repeat(MiB - 1) + 'é' + 'b'.repeat(3 * MiB);
    const got = readInput(file('large.txt', large), MAX_FILE_BYTES);
    expect(got.kind).toBe('text');
    expect(got.kind === 'text' && got.text === large).toBe(true);
  });

  it('a smaller file read after a larger one gets none of the reused buffer', () => {
    readInput(file('big.txt', 'x'.repeat(200_000)), MAX_FILE_BYTES);
    expect(readInput(file('small.txt', 'y\n'), MAX_FILE_BYTES)).toEqual({ kind: 'text', text: 'y\n' });
  });

  it('a NUL byte in the first 8 KiB is binary (with its first 10 bytes for the git-crypt header); one after that is text', () => {
    const at = (i: number) => Buffer.concat([Buffer.alloc(i, 0x61), Buffer.from([0]), Buffer.from('tail')]);
    expect(readInput(file('a.bin', at(8191)), MAX_FILE_BYTES)).toEqual({ kind: 'binary', head: 'aaaaaaaaaa' });
    expect(readInput(file('b.txt', at(8192)), MAX_FILE_BYTES).kind).toBe('text');
    expect(readInput(file('c.yaml', Buffer.from('\0GITCRYPT\0\x01\x02', 'latin1')), MAX_FILE_BYTES)).toEqual({ kind: 'binary', head: '\0GITCRYPT\0' });
  });

  it('a file over the limit is reported with its size and not read', () => {
    const p = file('huge.log', '');
    truncateSync(p, 3 * MiB);
    expect(readInput(p, 2 * MiB)).toEqual({ kind: 'too-large', size: 3 * MiB });
  });

  it('reads a pipe, which cannot seek (scan <(helm template …)), small or larger than the buffer, and stops one past the limit', async () => {
    const dir = tempDir();
    const viaFifo = async (content: string, maxBytes: number) => {
      const fifo = join(dir, `p${Math.random().toString(36).slice(2)}`);
      writeFileSync(`${fifo}.src`, content);
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      const writer = spawn('sh', ['-c', `cat "${fifo}.src" > "${fifo}"`], { stdio: 'ignore' });
      const done = new Promise((resolve) => writer.on('exit', resolve));
      const got = readInput(fifo, maxBytes);
      await done;
      return got;
    };
    expect(await viaFifo('apiVersion: v1\n', MAX_FILE_BYTES)).toEqual({ kind: 'text', text: 'apiVersion: v1\n' });
    const big = 'k: v\n'.repeat(700_000); // 3.5 MB
    const got = await viaFifo(big, MAX_FILE_BYTES);
    expect(got.kind === 'text' && got.text === big).toBe(true);
    const over = await viaFifo(big, 2 * MiB);
    expect(over.kind).toBe('too-large');
  });

  it('throws the system error for a missing file or a folder', () => {
    expect(() => readInput(join(tempDir(), 'missing.yaml'), MAX_FILE_BYTES)).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    const dir = tempDir();
    mkdirSync(join(dir, 'd.yaml'));
    expect(() => readInput(join(dir, 'd.yaml'), MAX_FILE_BYTES)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it('the collector lists a file over 64 MiB as skipped, and still reads the rest', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n    - {name: w, image: "r.example.com/w:1"}\n');
    writeFileSync(join(dir, 'dump.yaml'), '');
    truncateSync(join(dir, 'dump.yaml'), MAX_FILE_BYTES + 1); // sparse: nothing is written or read
    const c = await collectPaths(['.'], { cwd: dir });
    expect(c.inputs.map((i) => [i.path, i.status, i.status === 'skipped' ? i.reason : i.format])).toEqual([
      ['dump.yaml', 'skipped', 'larger than 64 MiB'],
      ['pod.yaml', 'parsed', 'kubernetes'],
    ]);
  });
});

describe('the collector and files that are not regular files', () => {
  it('lists a named pipe or socket met in a folder walk as skipped, and does not read it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'pod.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  containers:\n    - {name: w, image: "r.example.com/w:1"}\n');
    expect(spawnSync('mkfifo', [join(dir, 'pipe.yaml')]).status).toBe(0);
    symlinkSync(join(dir, 'pipe.yaml'), join(dir, 'link-to-pipe.yaml'));
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'dangling.yaml'));
    const c = await collectPaths(['.'], { cwd: dir });
    expect(c.inputs.map((i) => [i.path, i.status, i.status === 'skipped' ? i.reason : i.format])).toEqual([
      ['dangling.yaml', 'skipped', 'broken symbolic link'],
      ['link-to-pipe.yaml', 'skipped', 'symbolic link to a named pipe (not read)'],
      ['pipe.yaml', 'skipped', 'named pipe (not read)'],
      ['pod.yaml', 'parsed', 'kubernetes'],
    ]);
  });

  it('a dangling symbolic link named on the command line says so; stdin named twice is read once', async () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'd.yaml'));
    const c = await collectPaths(['d.yaml', 'missing.yaml'], { cwd: dir });
    expect(c.inputs.map((i) => i.status === 'error' && i.error)).toEqual(['d.yaml: broken symbolic link (what it points to does not exist)', 'missing.yaml: no such file or folder']);
    let reads = 0;
    const twice = await collectPaths(['-', '-'], { cwd: dir, stdin: async () => (reads++, 'API_TOKEN=x\n') });
    expect([reads, twice.inputs.length]).toEqual([1, 1]);
  });
});
