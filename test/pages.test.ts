import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { loadTheme } from '../src/load.js';
import { archiveEntryKey, chromeOf, planPages, renderSpecs } from '../src/pages.js';
import { createRenderer } from '../src/templates.js';
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

describe('the pages of people', () => {
  it('list the entries of a host without reading their notes from the spill of a streamed build', async () => {
    const appearing = (day: number, people: string) =>
      episodeFile(`title: Day ${day}\ndate: 2024-03-0${day}\n${people}\naudio:\n  url: https://cdn.example.com/${day}.mp3\n  length: 1000\n  type: audio/mpeg`, `Notes of day ${day}.\n`);
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'people/ann.md': '---\nname: Ann\n---\nHosts the show.\n',
      'episodes/a.md': appearing(1, 'hosts: [ann]'),
      'episodes/b.md': appearing(2, 'guests: [ann]'),
    });
    // Written, so the notes of the entries wait in the spill until a page reads them.
    const result = await build({ cwd: root });
    expect(result.ok).toBe(true);
    const page = planPages(result.site!, {}).find((spec) => spec.template === 'person')!;
    const listed = page.context().entries as (Episode & { asGuest: boolean })[];
    expect(listed.map((entry) => [entry.title, entry.asGuest])).toEqual([
      ['Day 2', true],
      ['Day 1', false],
    ]);
    // A host of every episode of a large show: a copy of each that read its notes would hold them all at once.
    for (const entry of listed) expect(Object.getOwnPropertyDescriptor(entry, 'html')?.get, entry.title).toBeTypeOf('function');
    expect(listed[1]!.html).toContain('Notes of day 1.');
  });
});

describe('the key of the archive', () => {
  it('holds what the built-in archive reads of each entry, so that an edit of anything else leaves the page as it was', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episode(1, 'one'), 'episodes/b.md': episode(2, 'two') });
    const result = await build({ cwd: root, write: false });
    const site = result.site!;
    const { theme } = await loadTheme(root, result.settings!.build.templates);
    const { renderer } = createRenderer(result.settings!, theme.templates, result.settings!.build.templates);
    const archive = planPages(site, {}).find((spec) => spec.path === '/archive/')!;
    // Every property the templates look up on an entry, by any means Handlebars has.
    const read = new Set<string>();
    const watched = (entry: Episode) =>
      new Proxy(entry, {
        get: (target, name, receiver) => (typeof name === 'string' && read.add(name), Reflect.get(target, name, receiver)),
        has: (target, name) => (typeof name === 'string' && read.add(name), Reflect.has(target, name)),
        getOwnPropertyDescriptor: (target, name) => (typeof name === 'string' && read.add(name), Reflect.getOwnPropertyDescriptor(target, name)),
      });
    const context = archive.context() as { years: { year: number; entries: Episode[] }[] };
    const spec = { ...archive, context: () => ({ ...context, years: context.years.map((year) => ({ ...year, entries: year.entries.map(watched) })) }) };
    const rendered = renderSpecs(result.settings!, renderer!, theme.templates, [spec], undefined, chromeOf(site));
    expect(rendered.value[0]!.contents).toContain('Day 2');
    expect(read.size).toBeGreaterThan(0);
    // The counts of entries and episodes come from each entry's kind, which the key holds too.
    expect([...read].filter((name) => !['kind', 'date', 'path', 'title'].includes(name))).toEqual([]);
    const key = archiveEntryKey(theme.templates);
    const [entry] = site.entries;
    expect(key({ ...entry!, html: '<p>other notes</p>', summary: 'other', number: 99 })).toBe(key(entry!));
    for (const changed of [{ title: 'Other' }, { path: '/other/' }, { date: new Date(0) }, { kind: 'post' as const }]) expect(key({ ...entry!, ...changed })).not.toBe(key(entry!));
  });

  it('holds everything an entry holds when a template of the podcaster may show it', async () => {
    const builtIn = { builtIn: true };
    const [entry] = (await build({ cwd: await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episode(1, 'one') }), write: false })).site!.entries;
    const own = (name: string) => new Map([['archive', builtIn], ['layout', builtIn], ['partials/header', builtIn], [name, { builtIn: false }]]);
    expect(archiveEntryKey(own('episode'))(entry!)).not.toBe(entry!.key);
    for (const name of ['archive', 'layout', 'partials/header', 'partials/mine']) expect(archiveEntryKey(own(name))(entry!), name).toBe(entry!.key);
  });
});
