import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { joinUnder, relativeTo, resolveFrom } from '../src/relative-path.js';

const FOLDERS = ['/project', '/project/', '/', '/a/b/../project', '/project/./sub'];
const FILES = [
  '/project/episodes/2024-01-01-one.md',
  '/project/a.md',
  '/project',
  '/project/',
  '/projectx/a.md',
  '/project/../other/a.md',
  '/project/./a.md',
  '/project/sub/../a.md',
  '/project//a.md',
  '/project/.hidden/a.md',
  '/project/..a/b.md',
  '/project/a/..',
  '/other/a.md',
  '/project/sub/été 🎙.md',
];

describe('relative paths of many files', () => {
  it('are what path.relative makes, with forward slashes', () => {
    for (const folder of FOLDERS) {
      const relative = relativeTo(folder);
      for (const file of FILES) expect(relative(file), `${file} from ${folder}`).toBe(path.relative(folder, file).split(path.sep).join('/'));
    }
  });

  it('resolve as path.resolve does', () => {
    const relativeFiles = ['/project/episodes/one.md', '/', '/a//b', '/a/./b', '/a/b/', '/a/../b', 'episodes/one.md', 'a.md', '', '.', '..', '../x.md', './a.md', 'a//b.md', 'a/', '/abs/a.md', '.hidden/a', '..a/b', 'a/../../b'];
    for (const folder of FOLDERS) {
      const resolve = resolveFrom(folder);
      for (const file of relativeFiles) expect(resolve(file), `${file} from ${folder}`).toBe(path.resolve(folder, file));
    }
  });

  it('join as path.join does', () => {
    const relativeFiles = ['episodes/one.md', 'a.md', '2024/01/02/slug/index.html', '/abs/a.md', '/', '', '.', '..', '../x.md', './a.md', 'a//b.md', 'a/', 'a/.', 'a/..', '.hidden/a', '..a/b', 'a/../../b', 'été 🎙.md'];
    for (const folder of [...FOLDERS, 'relative/folder', 'relative/../folder/', '', '.', './here', '..']) {
      const join = joinUnder(folder);
      for (const file of relativeFiles) expect(join(file), `${file} under ${folder}`).toBe(path.join(folder, file));
    }
  });
});
