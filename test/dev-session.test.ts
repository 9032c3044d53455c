import { existsSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BuildCache } from '../src/cache.js';
import { DevSession } from '../src/dev/session.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

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

  it('rebuilds everything when a person file changes, so the feed credits the new name', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'people/maya.md': '---\nname: Maya Okafor\n---\n',
      'episodes/2024-01-01-one.md': episodeFile('title: One\nepisode: 1\naudio:\n  url: https://cdn.example.com/1.mp3\n  length: 1000\nhosts: maya'),
    });
    const session = new DevSession({ cwd: root });
    await session.rebuild();
    const person = path.join(root, 'people/maya.md');
    await writeFile(person, '---\nname: Maya Okafor-Lindqvist\n---\n');
    const rebuilt = await session.rebuild([person]);
    expect(rebuilt).toMatchObject({ ok: true, full: true });
    expect(rebuilt?.changed).toContain('feed.xml');
    const feed = await readFile(path.join(session.outputFolder, 'feed.xml'), 'utf8');
    expect(feed.match(/>Maya Okafor-Lindqvist<\/podcast:person>/g)).toHaveLength(2);
  });

  it('takes the badge off the lists once the clock passes an entry’s date, the same bytes as a fresh session', async () => {
    // Lists reuse their copies of unchanged entries between rebuilds: one that only stopped being in the future must not keep its badge.
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile('title: One'),
      'episodes/2024-01-08-two.md': episodeFile('title: Two'),
      'episodes/2024-03-01-later.md': episodeFile('title: Later'),
    });
    let now = new Date('2024-02-01T00:00:00Z');
    const session = new DevSession({ cwd: root, now: () => now });
    await session.rebuild();
    expect(await readFile(path.join(session.outputFolder, 'index.html'), 'utf8')).toContain('Scheduled');
    now = new Date('2024-04-01T00:00:00Z');
    const file = path.join(root, 'episodes/2024-01-01-one.md');
    await writeFile(file, episodeFile('title: One', 'Other notes.\n'));
    expect(await session.rebuild([file])).toMatchObject({ ok: true, full: false });
    const fresh = new DevSession({ cwd: root, now: () => now });
    await fresh.rebuild();
    expect(await readFile(path.join(session.outputFolder, 'index.html'), 'utf8')).not.toContain('Scheduled');
    expect(await readTree(session.outputFolder)).toEqual(await readTree(fresh.outputFolder));
  });

  it('does nothing for a change it does not care about', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile('title: One') });
    const session = new DevSession({ cwd: root });
    await session.rebuild();
    expect(await session.rebuild([path.join(root, 'notes.txt')])).toBeUndefined();
  });

  describe('fast path for an edit that leaves the entry in its place', () => {
    const audio = (n: number) => `audio:\n  url: https://cdn.example.com/${n}.mp3\n  length: ${n}000`;
    const two = (frontMatter: string, body?: string) => episodeFile(`title: Two\n${audio(2)}\n${frontMatter}`, body);
    const project = (settings = MINIMAL_SETTINGS, extra: Record<string, string> = {}) =>
      tempProject({
        ...extra,
        'podsite.yaml': settings,
        'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio(1)}`),
        'episodes/2024-01-08-two.md': two('episode: 2'),
        'episodes/2024-01-15-three.md': episodeFile(`title: Three\nepisode: 3\n${audio(3)}`),
      });
    const page = (session: DevSession, output: string) => readFile(path.join(session.outputFolder, output), 'utf8');

    it('writes the edited page before the rebuild, the same page a full build makes', async () => {
      const root = await project();
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      await writeFile(file, two('episode: 2', 'Notes rewritten *now*.\n'));
      const rebuilt = await session.rebuild([file]);
      expect(rebuilt).toMatchObject({ ok: true, full: false, entryPagesChanged: ['2024/01/08/two/index.html'] });
      expect(rebuilt?.entryPagesMs).toBeGreaterThan(0);
      // The rebuild found the page already made from the same inputs, so it did not make it again.
      expect(rebuilt?.result.fresh).not.toContain('2024/01/08/two/index.html');
      const fresh = new DevSession({ cwd: root });
      await fresh.rebuild();
      expect(await page(session, '2024/01/08/two/index.html')).toContain('Notes rewritten <em>now</em>.');
      expect(await page(session, '2024/01/08/two/index.html')).toBe(await page(fresh, '2024/01/08/two/index.html'));
    });

    it('leaves a file deleted before its save was handled to the rebuild', async () => {
      const root = await project();
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      // A rename seen as two saves: the removal comes alone, and the file is already gone.
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      await rm(file);
      const rebuilt = await session.rebuild([file]);
      expect(rebuilt?.ok).toBe(true);
      // Its neighbours now link to each other.
      expect(rebuilt?.changed).toEqual(expect.arrayContaining(['2024/01/01/one/index.html', '2024/01/08/two/index.html', '2024/01/15/three/index.html']));
      expect(existsSync(path.join(session.outputFolder, '2024/01/08/two/index.html'))).toBe(false);
    });

    it('makes the page with the transcripts the rebuild finds, and leaves the chapters file to the rebuild', async () => {
      const root = await project();
      await writeFile(path.join(root, 'episodes/2024-01-08-two.vtt'), 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n');
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      await writeFile(file, two('episode: 2', '- 00:00 Intro\n- 10:00 Bricks\n'));
      const rebuilt = await session.rebuild([file]);
      expect(rebuilt).toMatchObject({ ok: true, full: false, entryPagesChanged: ['2024/01/08/two/index.html'] });
      // The fast path gave the page the key the rebuild gives it, transcripts included: it was not made twice.
      expect(rebuilt?.result.fresh).not.toContain('2024/01/08/two/index.html');
      expect(rebuilt?.result.fresh).toContain('2024/01/08/two/chapters.json');
      expect(rebuilt?.result.site?.entries.find((e) => e.title === 'Two')?.transcripts.map((t) => t.url)).toEqual(['https://show.example.com/2024/01/08/two/transcript.vtt']);
      const fresh = new DevSession({ cwd: root });
      await fresh.rebuild();
      for (const output of ['2024/01/08/two/index.html', '2024/01/08/two/chapters.json', '2024/01/08/two/transcript.vtt', 'feed.xml']) {
        expect(await page(session, output), output).toBe(await page(fresh, output));
      }
    });

    it('leaves an edit that moves the entry or changes its number to the rebuild', async () => {
      const root = await project();
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      await writeFile(file, two('episode: 2\ndate: 2024-01-20'));
      const moved = await session.rebuild([file]);
      expect(moved?.result.fresh).toContain('2024/01/20/two/index.html');
      await writeFile(file, two('episode: 4\ndate: 2024-01-20'));
      const renumbered = await session.rebuild([file]);
      expect(renumbered?.result.fresh).toContain('2024/01/20/two/index.html');
    });

    it('names the people of an edited entry from the last good build, and writes no early page for a name that is an error', async () => {
      const root = await project(`${MINIMAL_SETTINGS}rules:\n  unknown-person: error\n`, { 'people/maya.md': '---\nname: Maya Okafor\n---\n' });
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      await writeFile(file, two('episode: 2\nhosts: maya okafor'));
      const named = await session.rebuild([file]);
      expect(named).toMatchObject({ ok: true, entryPagesChanged: ['2024/01/08/two/index.html'] });
      expect(named?.result.site?.entries.find((entry) => entry.slug === 'two')?.people.hosts.map((person) => person.id)).toEqual(['maya']);
      await writeFile(file, two('episode: 2\nhosts: maya okafor, nobody'));
      const unknown = await session.rebuild([file]);
      expect(unknown).toMatchObject({ ok: false, entryPagesChanged: [] });
      expect(unknown?.diagnostics.map((d) => d.rule)).toEqual(['unknown-person']);
    });

    it('puts the early page back when the rebuild ends in errors, and shows the fix', async () => {
      const root = await project(`${MINIMAL_SETTINGS}rules:\n  invalid-xml-character: error\n`);
      const session = new DevSession({ cwd: root });
      await session.rebuild();
      const before = await page(session, '2024/01/08/two/index.html');
      const file = path.join(root, 'episodes/2024-01-08-two.md');
      // Only the feed finds this: the file itself parses, so the fast path writes the page first.
      await writeFile(file, two('episode: 2', 'A pasted \u0001 character.\n'));
      const failed = await session.rebuild([file]);
      expect(failed).toMatchObject({ ok: false, entryPagesChanged: ['2024/01/08/two/index.html'] });
      expect(failed?.diagnostics.map((d) => d.rule)).toContain('invalid-xml-character');
      expect(await page(session, '2024/01/08/two/index.html')).toBe(before);
      // Moved, the page is made by the rebuild and written as soon as the episode pages are made; it goes too.
      await writeFile(file, two('episode: 2\ndate: 2024-01-20', 'A pasted \u0001 character.\n'));
      const moved = await session.rebuild([file]);
      expect(moved).toMatchObject({ ok: false });
      expect(existsSync(path.join(session.outputFolder, '2024/01/20/two/index.html'))).toBe(false);
      expect(await page(session, '2024/01/08/two/index.html')).toBe(before);
      await writeFile(file, two('episode: 2', 'A pasted character, removed.\n'));
      const fixed = await session.rebuild([file]);
      expect(fixed?.ok).toBe(true);
      expect(await page(session, '2024/01/08/two/index.html')).toContain('A pasted character, removed.');
    });
  });
});
