import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildCache } from '../src/cache.js';
import { DevSession } from '../src/dev/session.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

describe('DevSession', () => {
  it('falls back to a full rebuild when an incremental one fails for a reason of its own', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile('title: One'),
    });
    const session = new DevSession({ cwd: root });
    expect((await session.rebuild())?.ok).toBe(true);
    // A cache in a state no build leaves it in: reading it throws.
    const broken = { get: () => ({ get parsed(): never { throw new Error('corrupt cache'); } }), has: () => true } as unknown as BuildCache['files'];
    (session as unknown as { cache: BuildCache }).cache.files = broken;
    const file = path.join(root, 'episodes/2024-01-01-one.md');
    await writeFile(file, episodeFile('title: One, edited'));
    const rebuilt = await session.rebuild([file]);
    expect(rebuilt).toMatchObject({ ok: true, full: true });
    expect(rebuilt?.changed).toContain('2024/01/01/one/index.html');
  });

  it('does nothing for a change it does not care about', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile('title: One') });
    const session = new DevSession({ cwd: root });
    await session.rebuild();
    expect(await session.rebuild([path.join(root, 'notes.txt')])).toBeUndefined();
  });
});
