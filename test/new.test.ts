import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { checkFeed } from '../src/feed-check.js';
import { titleSlug } from '../src/scaffold/slug.js';
import { run } from './cli-run.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readTree, tempProject } from './helpers.js';

const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
const audio = (name: string, length: number) => `audio:\n  url: https://media.example.com/${name}.mp3\n  length: ${length}\n  duration: "10:00"`;

/** Two seasons, numbered from 1 in each, with a trailer (no number) as the newest file. */
const SEASONS = {
  'podsite.yaml': MINIMAL_SETTINGS,
  'episodes/2024-01-10-first.md': episodeFile(`title: First\nseason: 1\nepisode: 1\n${audio('s1e1', 101)}`),
  'episodes/2024-02-10-second.md': episodeFile(`title: Second\nseason: 1\nepisode: 2\n${audio('s1e2', 102)}`),
  'episodes/2024-03-10-third.md': episodeFile(`title: Third\nseason: 1\nepisode: 3\n${audio('s1e3', 103)}`),
  'episodes/2024-06-10-back.md': episodeFile(`title: Back\nseason: 2\nepisode: 1\n${audio('s2e1', 201)}`),
  'episodes/2024-07-10-coming.md': episodeFile(`title: Coming\nseason: 3\ntype: trailer\n${audio('s3t', 301)}`),
};

describe('podsite new', () => {
  it('adds the next episode of the current season, dated today in the show time zone, which builds once its audio is filled in', async () => {
    const root = await tempProject(SEASONS);
    const { code, stdout, stderr } = await run(['new', 'Épisode spécial'], root);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const file = `episodes/${todayIn('Europe/Paris')}-episode-special.md`;
    expect(stdout).toBe(file);
    const text = await readFile(path.join(root, file), 'utf8');
    expect(text).toMatch(/^---\ntitle: "Épisode spécial"\nseason: 2\nepisode: 2\naudio:\n/);
    expect(text).not.toContain('date:');
    expect(text).not.toContain('draft:');

    const unfilled = await build({ cwd: root, write: false });
    expect(unfilled.diagnostics.map((d) => `${d.file}:${d.line} ${d.rule}`)).toEqual([`${file}:7 missing-audio-url`]);

    await writeFile(
      path.join(root, file),
      text.replace(/  url:\n/, '  url: https://media.example.com/s2e2.mp3\n').replace('  length:\n', '  length: 202\n').replace('  duration:\n', '  duration: "31:00"\n'),
    );
    const built = await build({ cwd: root });
    expect(built.diagnostics).toEqual([]);
    const feed = await readFile(path.join(root, 'dist/feed.xml'), 'utf8');
    expect(checkFeed(feed)).toEqual([]);
    const items = children(child(parseXmlStrict(feed), 'channel')!, 'item');
    const added = items.find((item) => child(item, 'title')!.text === 'Épisode spécial')!;
    expect(child(added, 'itunes:season')!.text).toBe('2');
    expect(child(added, 'itunes:episode')!.text).toBe('2');
  });

  it('numbers within the season asked for, and marks drafts, trailers and bonus episodes', async () => {
    const root = await tempProject(SEASONS);
    const today = todayIn('Europe/Paris');
    expect((await run(['new', 'More of one', '--season', '1', '--draft'], root)).stdout).toBe(`episodes/${today}-more-of-one.md`);
    expect(await readFile(path.join(root, `episodes/${today}-more-of-one.md`), 'utf8')).toMatch(/^---\ntitle: "More of one"\nseason: 1\nepisode: 4\ndraft: true\naudio:/);
    expect((await run(['new', 'A new season', '--season', '4'], root)).code).toBe(0);
    expect(await readFile(path.join(root, `episodes/${today}-a-new-season.md`), 'utf8')).toMatch(/\nseason: 4\nepisode: 1\n/);
    expect((await run(['new', 'Outtakes', '--type', 'bonus'], root)).code).toBe(0);
    const bonus = await readFile(path.join(root, `episodes/${today}-outtakes.md`), 'utf8');
    expect(bonus).toMatch(/\nseason: 2\ntype: bonus\naudio:/);
    expect(bonus).not.toContain('episode:');
  });

  it('follows the file names of the newest episode: a number after the date, zero-padded numbers without one, year folders', async () => {
    const prefixed = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-10-lcc-99-old.md': episodeFile(`title: Old\nepisode: 99\n${audio('99', 99)}`),
      'episodes/2024-02-10-lcc-100-new.md': episodeFile(`title: New\nepisode: 100\n${audio('100', 100)}`),
    });
    expect((await run(['new', 'Next one'], prefixed)).stdout).toBe(`episodes/${todayIn('Europe/Paris')}-lcc-101-next-one.md`);

    const padded = await tempProject({
      'podsite.yaml': `${MINIMAL_SETTINGS}build:\n  episodes: shows\n`,
      'shows/2023/011-eleven.md': episodeFile(`title: Eleven\ndate: 2023-05-01\nepisode: 11\n${audio('11', 11)}`),
      'shows/2024/012-twelve.md': episodeFile(`title: Twelve\ndate: 2024-05-01\nepisode: 12\n${audio('12', 12)}`),
    });
    const year = todayIn('Europe/Paris').slice(0, 4);
    const { stdout } = await run(['new', 'Thirteen'], padded);
    expect(stdout).toBe(`shows/${year}/013-thirteen.md`);
    expect(await readFile(path.join(padded, stdout), 'utf8')).toMatch(new RegExp(`^---\\ntitle: "Thirteen"\\ndate: ${todayIn('Europe/Paris')}\\nepisode: 13\\n`));
  });

  it('dates the episode in the time zone of the show', async () => {
    // Twenty-five hours apart: on most days of the year at least one of them is on another date than UTC.
    for (const timezone of ['Pacific/Kiritimati', 'Pacific/Pago_Pago']) {
      const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS.replace('timezone: Europe/Paris', `timezone: ${timezone}`) });
      const { stdout } = await run(['new', 'Hello'], root);
      expect(stdout).toBe(`episodes/${todayIn(timezone)}-hello.md`);
    }
  });

  it('never replaces a file, and says what is wrong with its arguments', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS });
    const first = await run(['new', 'Twice'], root);
    expect(first.code).toBe(0);
    await writeFile(path.join(root, first.stdout), 'my notes\n');
    const again = await run(['new', 'Twice'], root);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`${first.stdout} already exists; nothing was written`);
    expect(await readFile(path.join(root, first.stdout), 'utf8')).toBe('my notes\n');

    expect((await run(['new'], root)).stderr).toContain('give the episode\'s title');
    expect((await run(['new', 'X', '--season', '0'], root)).stderr).toContain('--season is a whole number, 1 or more, not `0`');
    expect((await run(['new', 'X', '--type', 'special'], root)).stderr).toContain('--type is `trailer` or `bonus`');
    expect((await readTree(root)).size).toBe(2);
  });

  it('reports missing or wrong settings as the build does', async () => {
    const missing = await run(['new', 'X'], await tempProject({}));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('missing-settings');
    const wrong = await run(['new', 'X'], await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS.replace('Europe/Paris', 'Mars/Olympus') }));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('podsite.yaml:10:11');
    expect(wrong.stderr).toContain('invalid-timezone');
  });

  it('has its own help, with examples', async () => {
    const { code, stdout } = await run(['new', '--help'], process.cwd());
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: podsite new "Title"/);
    expect(stdout).toContain('--type trailer');
  });
});

describe('titleSlug', () => {
  it('folds accents and writes letters without one in ASCII', () => {
    expect(titleSlug('Épisode spécial', 'x')).toBe('episode-special');
    expect(titleSlug("Don't panic: Straße & Smørrebrød, Œuvre", 'x')).toBe('dont-panic-strasse-and-smorrebrod-oeuvre');
    expect(titleSlug('日本語', 'episode-3')).toBe('episode-3');
    expect(titleSlug('one two three four five six seven eight nine ten', 'x')).toBe('one-two-three-four-five-six-seven-eight');
  });
});
