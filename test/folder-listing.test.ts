import { link, lstat, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileIdentities, fileIdentitiesInBackground, IDENTITY_FIELDS, listFolder, listFolderInBackground, type FolderListing } from '../src/folder-listing.js';
import { tempProject } from './helpers.js';

describe('the listing of a folder', () => {
  it('gives every file and folder inside, a link as a file, in a worker thread the same as here', async () => {
    const root = await tempProject({ 'a.html': 'a', '2024/01/e1/index.html': 'e1', '2024/01/e1/notes.vtt': 'vtt', '2024/02/e2/index.html': 'e2' });
    await mkdir(path.join(root, 'empty/inside'), { recursive: true });
    await symlink(path.join(root, '2024'), path.join(root, 'linked'));
    const sorted = (listing: { files: string[]; folders: string[] }) => ({
      files: listing.files.map((file) => path.relative(root, file)).sort(),
      folders: listing.folders.map((folder) => path.relative(root, folder)).sort(),
    });
    const here = sorted(listFolder(root));
    expect(here).toEqual({
      files: ['2024/01/e1/index.html', '2024/01/e1/notes.vtt', '2024/02/e2/index.html', 'a.html', 'linked'],
      folders: ['2024', '2024/01', '2024/01/e1', '2024/02', '2024/02/e2', 'empty', 'empty/inside'],
    });
    expect(sorted(await listFolderInBackground(root))).toEqual(here);
  });

  it('gives, when asked, the size, time, inode and device of each file (none for a symbolic link)', async () => {
    const root = await tempProject({ 'a.html': 'a', '2024/01/e1/index.html': 'e1' });
    await link(path.join(root, 'a.html'), path.join(root, 'hard-link.html'));
    await symlink(path.join(root, 'a.html'), path.join(root, 'symbolic.html'));
    const identities = (listing: FolderListing) =>
      new Map(listing.files.map((file, index) => [path.relative(root, file), [...listing.identities!.subarray(index * IDENTITY_FIELDS, (index + 1) * IDENTITY_FIELDS)]]));
    const expected = new Map(await Promise.all(['a.html', 'hard-link.html', '2024/01/e1/index.html'].map(async (file) => {
      const stats = await lstat(path.join(root, file));
      return [file, [stats.size, stats.mtimeMs, stats.ino, stats.dev]] as const;
    })));
    expected.set('symbolic.html', [NaN, NaN, NaN, NaN]);
    expect(identities(listFolder(root, true))).toEqual(expected);
    expect(identities(await listFolderInBackground(root, true))).toEqual(expected);
    expect(identities(listFolder(root, true)).get('hard-link.html')).toEqual(expected.get('a.html'));
    expect(listFolder(root).identities).toBeUndefined();
  });

  it('looks at given files in a worker thread as here: a missing path and a folder have no identity', async () => {
    const root = await tempProject({ 'a.html': 'a', 'sub/b.html': 'bb' });
    const files = ['a.html', 'sub', 'gone.html', 'sub/b.html'].map((file) => path.join(root, file));
    const here = [...fileIdentities(files)];
    const stats = await Promise.all([lstat(files[0]!), lstat(files[3]!)]);
    expect(here).toEqual([stats[0].size, stats[0].mtimeMs, stats[0].ino, stats[0].dev, NaN, NaN, NaN, NaN, NaN, NaN, NaN, NaN, stats[1].size, stats[1].mtimeMs, stats[1].ino, stats[1].dev]);
    expect([...(await fileIdentitiesInBackground(files))]).toEqual(here);
  });

  it('fails with the code of the problem when the folder cannot be read', async () => {
    const root = await tempProject({ 'file.txt': 'not a folder' });
    await expect(listFolderInBackground(path.join(root, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => listFolder(path.join(root, 'file.txt'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
