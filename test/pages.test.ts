import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { planPages } from '../src/pages.js';
import type { Episode } from '../src/site.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const episode = (day: number, tag: string) =>
  episodeFile(`title: Day ${day}\ndate: 2024-03-${String(day).padStart(2, '0')}\ntags: [${tag}]\naudio:\n  url: https://cdn.example.com/${day}.mp3\n  length: 1000\n  type: audio/mpeg`);

describe('planned pages', () => {
  it('give lists the site entries themselves, and only an entry page its neighbours', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/a.md': episode(1, 'one'),
      'episodes/b.md': episode(2, 'one'),
      'episodes/c.md': episode(3, 'two'),
    });
    const result = await build({ cwd: root, write: false });
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const site = result.site!;
    const specs = planPages(site, {});
    const context = (path: string) => specs.find((spec) => spec.path === path)!.context();

    // The archive of a large show lists thousands of entries: no copy of each is made for it.
    const archived = (context('/archive/').years as { entries: Episode[] }[]).flatMap((year) => year.entries);
    expect(archived).toHaveLength(3);
    archived.forEach((entry, index) => expect(entry).toBe(site.entries[index]));
    (context('/').entries as Episode[]).forEach((entry, index) => expect(entry).toBe(site.entries[index]));
    expect((context('/tags/one/').entries as Episode[])[0]).toBe(site.entries[1]);
    // A list depends on its own entries only: none of them names a neighbour.
    for (const entry of site.entries) expect([entry.newer, entry.older]).toEqual([undefined, undefined]);

    const [newest, middle, oldest] = site.entries;
    const shown = context(middle!.path).episode as Episode;
    expect([shown.title, shown.newer?.title, shown.older?.title]).toEqual(['Day 2', 'Day 3', 'Day 1']);
    // Neighbours without their own neighbours, so that a page depends on exactly three entries.
    expect([shown.newer?.newer, shown.newer?.older, shown.older?.newer]).toEqual([undefined, undefined, undefined]);
    expect((context(newest!.path).episode as Episode).newer).toBeUndefined();
    expect((context(oldest!.path).episode as Episode).older).toBeUndefined();
  });
});
