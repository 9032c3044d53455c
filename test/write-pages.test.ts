import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import type { OutputFile, PageSpec } from '../src/pages.js';
import type { Renderer } from '../src/templates.js';
import type { StagingFolder } from '../src/write.js';
import { PAGE_BATCH, writePages } from '../src/write-pages.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject } from './helpers.js';

const specs = (count: number): PageSpec[] =>
  Array.from({ length: count }, (_, i) => ({ path: `/p${i}/`, output: `p${i}/index.html`, template: 'page', key: `k${i}`, context: () => ({ n: i }) }));

/** A staging folder whose writes end only when the test says so, and that logs what happens when. */
function slowStaging(log: string[], fail?: number) {
  const pending: (() => void)[] = [];
  let batch = 0;
  const staging = {
    writeFiles(files: readonly OutputFile[]): Promise<void> {
      const number = ++batch;
      log.push(`write ${number} starts (${files.length})`);
      return new Promise<void>((resolve, reject) => {
        pending.push(() => {
          log.push(`write ${number} ends`);
          if (number === fail) reject(new Error(`disk gone at batch ${number}`));
          else resolve();
        });
      });
    },
    // Pages of the last build are linked first: a wait during which the write of the batch before may end.
    linkFrom: () => new Promise<Set<string>>((resolve) => setTimeout(() => resolve(new Set()), 5)),
  } as unknown as StagingFolder;
  return { staging, finishOne: () => pending.shift()?.() };
}

describe('writing the pages of a build', () => {
  const settingsOf = async () => (await build({ cwd: await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/a.md': episodeFile('title: One\nepisode: 1\naudio:\n  url: https://media.example.com/1.mp3\n  length: 1000') }), write: false })).settings!;

  it('renders the next batch while the last one is written, with one batch written at a time', async () => {
    const settings = await settingsOf();
    const log: string[] = [];
    const renderer: Renderer = { render: (_, context) => (log.push(`render ${String(context.n)}`), `<p>${String(context.n)}</p>`) };
    const { staging, finishOne } = slowStaging(log);
    const done = writePages(staging, settings, renderer, new Map(), specs(PAGE_BATCH * 2 + 1), { pages: [], people: false });
    // Ends each write as soon as it is asked for, a turn of the event loop later.
    const timer = setInterval(finishOne, 1);
    const made = await done;
    clearInterval(timer);
    expect(made.value).toHaveLength(PAGE_BATCH * 2 + 1);
    const at = (line: string) => log.indexOf(line);
    expect(at(`render ${PAGE_BATCH}`)).toBeGreaterThan(at('write 1 starts (256)'));
    expect(at(`render ${PAGE_BATCH}`)).toBeLessThan(at('write 1 ends'));
    expect(at('write 2 starts (256)')).toBeGreaterThan(at('write 1 ends'));
    expect(at('write 3 starts (1)')).toBeGreaterThan(at('write 2 ends'));
    expect(log.at(-1)).toBe('write 3 ends');
  });

  it('fails with the failure of a write, even one that ended while the next batch was rendered', async () => {
    const settings = await settingsOf();
    const log: string[] = [];
    const renderer: Renderer = { render: () => '<p>page</p>' };
    const { staging, finishOne } = slowStaging(log, 1);
    const timer = setInterval(finishOne, 1);
    const noPreviousPage = () => undefined;
    await expect(writePages(staging, settings, renderer, new Map(), specs(PAGE_BATCH * 3), { pages: [], people: false }, noPreviousPage)).rejects.toThrow('disk gone at batch 1');
    clearInterval(timer);
  });
});
