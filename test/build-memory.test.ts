import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/** The parsed episodes of the streamed build under test, as `detachedFromText` hands them on. */
const parsedEpisodes: WeakRef<object>[] = [];
/** Episode files whose text went to the spill, in order. */
const spilledFiles: string[] = [];

vi.mock('../src/notes-spill.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/notes-spill.js')>();
  return {
    ...original,
    detachedFromText: (...args: Parameters<typeof original.detachedFromText>) => {
      const detached = original.detachedFromText(...args);
      if (detached.episode) parsedEpisodes.push(new WeakRef(detached.episode));
      return detached;
    },
    SpilledTexts: class extends original.SpilledTexts {
      override spillSource(file: { text: string; file?: string }, episode: { markdown: string } | undefined): void {
        spilledFiles.push(file.file ?? '');
        super.spillSource(file, episode);
      }
    },
  };
});

/**
 * What a streamed build holds once its entries are made: the site model, not the episodes as
 * parsed beside it. Each of those is a dictionary in V8 once its body is spilled (about 1.5 KB).
 */
describe('the memory of a streamed build', () => {
  it('lets the parsed episodes go once the entries are made', async () => {
    setFlagsFromString('--expose-gc');
    const collectGarbage = runInNewContext('gc') as () => void;
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
    for (let n = 1; n <= 6; n++) files[`episodes/2024-02-0${n}-e${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, `Notes of episode ${n}.\n`);
    const root = await tempProject(files);
    let alive: number | undefined;
    const result = await build({
      cwd: root,
      cache: false,
      onProgress: (stage) => {
        if (stage !== 'search index' || alive !== undefined) return;
        collectGarbage();
        alive = parsedEpisodes.filter((episode) => episode.deref() !== undefined).length;
      },
    });
    expect(result.ok).toBe(true);
    expect(parsedEpisodes).toHaveLength(6);
    // A register of the build's own frame, still on the stack, may hold the last one it looked at.
    expect(alive).toBeLessThanOrEqual(1);
  });

  it('spills each episode file as soon as it is parsed, not once all are', async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
    for (let n = 1; n <= 3; n++) files[`episodes/2024-02-0${n}-e${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, `Notes of episode ${n}.\n`);
    files['episodes/2024-02-04-broken.md'] = '---\ntitle: [unclosed\n---\nNo episode.\n';
    spilledFiles.length = 0;
    let spilledBeforeValidate: string[] | undefined;
    const result = await build({
      cwd: await tempProject(files),
      cache: false,
      onProgress: (stage) => {
        if (stage === 'validate') spilledBeforeValidate ??= [...spilledFiles];
      },
    });
    expect(result.diagnostics.map((d) => d.file)).toContain('episodes/2024-02-04-broken.md');
    // The file that made no episode too: its text is never needed again.
    expect(spilledBeforeValidate?.sort()).toEqual(['episodes/2024-02-01-e1.md', 'episodes/2024-02-02-e2.md', 'episodes/2024-02-03-e3.md', 'episodes/2024-02-04-broken.md']);
  });
});
