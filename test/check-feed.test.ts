import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { DevSession } from '../src/dev/session.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

/** Each file its own length, or duplicate-audio-length would speak. */
const audio = (url: string) => `audio:\n  url: ${url}\n  length: ${[...url].reduce((sum, c) => (sum * 31 + c.charCodeAt(0)) % 1_000_000_007, 7)}`;
const SPACED_URL = 'https://media.example.com/Episode 2.mp3';
const only = (diagnostics: readonly { file: string; rule: string; severity: string }[]) => diagnostics.map(({ file, rule, severity }) => ({ file, rule, severity }));

describe('the check feed stage', () => {
  it('runs after the feed, timed like the other stages', async () => {
    const root = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio('https://media.example.com/1.mp3')}`) });
    const result = await build({ cwd: root, write: false });
    expect(result.diagnostics).toEqual([]);
    const stages = result.timings.map((t) => t.stage);
    expect(stages.indexOf('check feed')).toBe(stages.indexOf('feed') + 1);
  });

  it('names the episode file behind the item, at the value at fault, with a hint', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio('https://media.example.com/1.mp3')}`),
      'episodes/2024-01-08-two.md': episodeFile(`title: Two\nepisode: 2\n${audio(SPACED_URL)}`),
    });
    const result = await build({ cwd: root, write: false });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        file: 'episodes/2024-01-08-two.md',
        line: 5,
        column: 8,
        severity: 'error',
        rule: 'feed-check',
        message: expect.stringMatching(/^in the feed, `url` of `<enclosure>` must be a valid URL, .* contains a space \(RSS 2\.0, Apple, PSP-1\)$/),
        hint: 'percent-encode it: `https://media.example.com/Episode%202.mp3`',
      }),
    ]);
  });

  it('reports a requirement that an input rule already checks under that rule, and only once', async () => {
    const files = (rules: string) => ({
      'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  ${rules}\n`,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3`),
    });
    // The feed says length="0", which the feed check finds too: missing-audio-length already said so.
    const lowered = await build({ cwd: await tempProject(files('missing-audio-length: warn')), write: false });
    expect(only(lowered.diagnostics)).toEqual([{ file: 'episodes/2024-01-01-one.md', rule: 'missing-audio-length', severity: 'warning' }]);
    expect(lowered.ok).toBe(true);
    const silenced = await build({ cwd: await tempProject(files('missing-audio-length: off')), write: false });
    expect(silenced.diagnostics).toEqual([]);
  });

  it('reports once, under the input rule, what the feed check finds again', async () => {
    // One episode's `guid:` is the other's page URL, its default GUID: the ledger's stage finds it, and the feed check does not repeat it.
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio('https://media.example.com/1.mp3')}`),
      'episodes/2024-01-08-two.md': episodeFile(`title: Two\nepisode: 2\nguid: https://show.example.com/2024/01/01/one/\n${audio('https://media.example.com/2.mp3')}`),
    });
    const result = await build({ cwd: root, write: false });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ file: 'episodes/2024-01-08-two.md', rule: 'duplicate-guid', severity: 'error', message: expect.stringContaining('is also the guid of episodes/2024-01-01-one.md') }),
    ]);
  });

  it('keeps the checker’s severity, which `rules:` can change', async () => {
    const files = (rules: string) => ({
      'podsite.yaml': `${MINIMAL_SETTINGS.replace('/artwork.png', '/artwork.gif')}${rules}`,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio(SPACED_URL)}`),
    });
    const byDefault = await build({ cwd: await tempProject(files('')), write: false });
    expect(only(byDefault.diagnostics)).toEqual([
      { file: 'episodes/2024-01-01-one.md', rule: 'feed-check', severity: 'error' },
      { file: 'podsite.yaml', rule: 'feed-check', severity: 'warning' },
    ]);
    const lowered = await build({ cwd: await tempProject(files('rules:\n  feed-check: warn\n')), write: false });
    expect(lowered.ok).toBe(true);
    expect(lowered.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    const off = await build({ cwd: await tempProject(files('rules:\n  feed-check: off\n')), write: false });
    expect(off.diagnostics).toEqual([]);
  });

  it('in podsite dev, finds a problem an edit brings and forgets it once fixed', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\nepisode: 1\n${audio('https://media.example.com/1.mp3')}`),
      'episodes/2024-01-08-two.md': episodeFile(`title: Two\nepisode: 2\n${audio('https://media.example.com/2.mp3')}`),
    });
    const session = new DevSession({ cwd: root });
    expect((await session.rebuild())?.ok).toBe(true);
    const file = path.join(root, 'episodes/2024-01-08-two.md');
    await writeFile(file, episodeFile(`title: Two\nepisode: 2\n${audio(SPACED_URL)}`));
    const broken = await session.rebuild([file]);
    expect(only(broken!.result.diagnostics)).toEqual([{ file: 'episodes/2024-01-08-two.md', rule: 'feed-check', severity: 'error' }]);
    await writeFile(file, episodeFile(`title: Two\nepisode: 2\n${audio('https://media.example.com/2.mp3')}`));
    const fixed = await session.rebuild([file]);
    expect(fixed!.result.diagnostics).toEqual([]);
    expect(fixed!.ok).toBe(true);
  });
});
