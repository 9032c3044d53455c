import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateArchive } from '../bench/generate.mjs';

// Benchmark figures are compared across commits and machines: the same seed must give the same archive.
describe('bench/generate.mjs', () => {
  const folders: string[] = [];
  afterAll(() => Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true }))));

  async function contents(count: number, seed?: number) {
    const folder = await mkdtemp(path.join(tmpdir(), 'podsite-generate-'));
    folders.push(folder);
    const files = await generateArchive(folder, count, seed);
    const texts = await Promise.all(files.map((file) => readFile(path.join(folder, 'episodes', file), 'utf8')));
    return { folder, files, texts, settings: await readFile(path.join(folder, 'podsite.yaml'), 'utf8') };
  }

  it('writes the same bytes for the same seed, and other bytes for another', async () => {
    const [a, b, c] = await Promise.all([contents(40), contents(40, 42), contents(40, 7)]);
    expect(b.files).toEqual(a.files);
    expect(b.texts).toEqual(a.texts);
    expect(b.settings).toEqual(a.settings);
    expect(c.texts).not.toEqual(a.texts);
    expect((await readdir(path.join(a.folder, 'episodes'))).sort()).toEqual(a.files);
  });

  it('writes notes with the constructs of real show notes', async () => {
    const { texts } = await contents(200);
    const all = texts.join('\n');
    for (const construct of [/^## /m, /^### /m, /^\* \[/m, /^ {4}\* /m, /<img /, /<a href=/, /<https:/, /^\|---/m, /^```/m]) {
      expect(all).toMatch(construct);
    }
  });
});
