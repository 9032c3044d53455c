import { afterEach, describe, expect, it, vi } from 'vitest';
import { build } from '../src/build.js';
import { BuildStore } from '../src/build-store.js';
import { FeedStore } from '../src/feed-store.js';
import { ParseStore } from '../src/parse-store.js';
import { SearchStore } from '../src/search-store.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('saving the build cache', () => {
  it('saves one store after the other, never two at once', async () => {
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
    for (let n = 1; n <= 3; n++) {
      files[`episodes/2024-01-0${n}-e${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}`, `Notes of episode ${n}.\n`);
    }
    const root = await tempProject(files);
    const events: string[] = [];
    for (const [name, store] of [['notes', BuildStore], ['parsed', ParseStore], ['search', SearchStore], ['feed', FeedStore]] as const) {
      const save = store.prototype.save as (this: unknown, ...args: unknown[]) => Promise<void>;
      vi.spyOn(store.prototype, 'save').mockImplementation(async function (this: unknown, ...args: unknown[]) {
        events.push(`${name} starts`);
        await save.apply(this, args);
        events.push(`${name} ends`);
      } as never);
    }
    const result = await build({ cwd: root, now: new Date('2026-01-01T00:00:00Z') });
    expect(result.ok).toBe(true);
    expect(events).toEqual(['notes starts', 'notes ends', 'parsed starts', 'parsed ends', 'search starts', 'search ends', 'feed starts', 'feed ends']);
  });
});
