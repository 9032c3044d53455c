import { link, lstat, mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFolder, listFolderInBackground, type FolderListing } from '../src/folder-listing.js';
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

  it('gives, when asked, the inode and device of each file (of a symbolic link, its own)', async () => {
    const root = await tempProject({ 'a.html': 'a', '2024/01/e1/index.html': 'e1' });
    await link(path.join(root, 'a.html'), path.join(root, 'hard-link.html'));
    await symlink(path.join(root, 'a.html'), path.join(root, 'symbolic.html'));
    const identities = (listing: FolderListing) => new Map(listing.files.map((file, index) => [path.relative(root, file), [listing.identities![index * 2], listing.identities![index * 2 + 1]]]));
    const expected = new Map(await Promise.all(['a.html', 'hard-link.html', 'symbolic.html', '2024/01/e1/index.html'].map(async (file) => {
      const stats = await lstat(path.join(root, file));
      return [file, [stats.ino, stats.dev]] as const;
    })));
    expect(identities(listFolder(root, true))).toEqual(expected);
    expect(identities(await listFolderInBackground(root, true))).toEqual(expected);
    expect(identities(listFolder(root, true)).get('hard-link.html')).toEqual(expected.get('a.html'));
    expect(listFolder(root).identities).toBeUndefined();
  });

  it('fails with the code of the problem when the folder cannot be read', async () => {
    const root = await tempProject({ 'file.txt': 'not a folder' });
    await expect(listFolderInBackground(path.join(root, 'gone'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(() => listFolder(path.join(root, 'file.txt'))).toThrow(expect.objectContaining({ code: 'ENOTDIR' }));
  });
});
