import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { defaults } from '../src/render-pool.js';
import { episodeFile, MINIMAL_SETTINGS, tempProject, readTree } from './helpers.js';

const BODIES = [
  'Plain notes with a [link](https://example.com/{n}) and https://example.org/{n}.\n',
  '| topic | link |\n|---|---|\n| java {n} | https://example.net/{n} |\n',
  'Raw <img src="https://images.example.com/{n}.png" alt="picture {n}"> and List<String> typed as text.\n',
  '<iframe src="https://www.youtube.com/embed/abcdef{n}" title="Episode {n}"></iframe>\n\nAfter the video.\n',
  '## Links\n\n- one {n}\n- two, with a footnote.[^a]\n\n[^a]: Footnote {n}.\n',
];


describe('building with worker threads', () => {
  it('writes byte for byte the same site with 1 job and with 2', async () => {
    const count = defaults.minNotes + 50;
    const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS };
    for (let n = 1; n <= count; n++) {
      const day = new Date(Date.UTC(2020, 0, n)).toISOString().slice(0, 10);
      const body = BODIES[n % BODIES.length]!.replaceAll('{n}', String(n));
      files[`episodes/${day}-episode-${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${1000 + n}\n  duration: 60`, body);
    }
    const root = await tempProject(files);
    const now = new Date('2026-01-01T00:00:00Z');
    // Without the build cache: the second build would take every note the first one rendered.
    const single = await build({ cwd: root, output: 'one', jobs: 1, now, cache: false });
    const parallel = await build({ cwd: root, output: 'two', jobs: 2, now, cache: false });
    expect(single.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(single.ok && parallel.ok).toBe(true);
    expect(single.timings.find((t) => t.stage === 'markdown')?.workers).toBeUndefined();
    // Two jobs: a worker thread and the calling thread.
    expect(parallel.timings.find((t) => t.stage === 'markdown')?.workers).toBe(1);
    const one = await readTree(path.join(root, 'one'));
    const two = await readTree(path.join(root, 'two'));
    expect(one.size).toBeGreaterThan(count);
    expect([...two.keys()].sort()).toEqual([...one.keys()].sort());
    for (const [file, bytes] of one) expect(two.get(file)!.equals(bytes), file).toBe(true);
    // The notes really went through the renderer: a YouTube embed became the theme's preview.
    expect(one.get(path.join('2020', '01', '03', 'episode-3', 'index.html'))?.toString()).toContain('data-youtube="abcdef3"');
  });
});
