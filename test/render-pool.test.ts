import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../src/markdown.js';
import { renderAll } from '../src/render-pool.js';
import { tempProject } from './helpers.js';

/** Notes of every kind the renderer treats specially, each different so that an order mix-up shows. */
const VARIED = [
  '| topic | link |\n|:---|---:|\n| java | https://example.net/1 |\n',
  'Raw HTML: <img src="https://images.example.com/a.png" alt="A" border="0"> and <b>bold</b>.\n',
  'Generics: `List<String>` in code, and List<String> typed as text, and <Devoxx> too.\n',
  '<iframe width="560" height="315" src="https://www.youtube.com/embed/dQw4w9WgXcQ" title="YouTube video player"></iframe>\n',
  '# Title\n\nA paragraph with a footnote.[^1] ~~Old~~ news > rumours & more.\n\n[^1]: The footnote.\n',
  '- one\n- two\n  <div>stray</div></div>\n\n```js\nconst a = 1 < 2;\n```\n',
  '![alt text](https://cdn.example.com/pic.jpg) <video src="//videos.example.com/v.mp4" controls></video>\n',
  '<script>alert(1)</script>\n\n<a href="javascript:alert(2)">x</a>\n',
  '',
];

const many = (count: number) => Array.from({ length: count }, (_, index) => `## Episode ${index}\n\n${VARIED[index % VARIED.length]}`);

describe('renderAll', () => {
  it('renders in worker threads exactly as renderMarkdown does, in order', async () => {
    const markdowns = many(90);
    for (const html of ['keep', 'sanitize'] as const) {
      const { notes, workers } = await renderAll(markdowns, { html }, { jobs: 3, minNotes: 1, batchSize: 7 });
      expect(workers).toBe(2);
      expect(notes).toEqual(markdowns.map((markdown) => renderMarkdown(markdown, { html })));
    }
  });

  it('stays in the calling thread under the threshold or with one job', async () => {
    const markdowns = many(12);
    const expected = markdowns.map((markdown) => renderMarkdown(markdown, { html: 'keep' }));
    expect(await renderAll(markdowns, { html: 'keep' }, { jobs: 4, minNotes: 13 })).toEqual({ notes: expected, workers: 0 });
    expect(await renderAll(markdowns, { html: 'keep' }, { jobs: 1, minNotes: 0 })).toEqual({ notes: expected, workers: 0 });
    expect(await renderAll([], { html: 'keep' }, { jobs: 4, minNotes: 0 })).toEqual({ notes: [], workers: 0 });
  });

  it('starts no more workers than there are batches besides the calling thread\'s', async () => {
    const markdowns = many(3);
    const { notes, workers } = await renderAll(markdowns, { html: 'keep' }, { jobs: 8, minNotes: 1 });
    expect(workers).toBe(2);
    expect(notes).toEqual(markdowns.map((markdown) => renderMarkdown(markdown, { html: 'keep' })));
  });

  it('renders a share of the notes in the calling thread, which counts as one of the jobs', async () => {
    const root = await tempProject({});
    const file = path.join(root, 'marks.mjs');
    // A worker whose notes say where they were made: the others come from the calling thread.
    await writeFile(file, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (batch) => parentPort.postMessage({ id: batch.id, notes: batch.markdowns.map(() => ({ html: 'worker', text: '', unknownTags: [], remoteMedia: [] })) }));\n`);
    const markdowns = many(200);
    const { notes, workers } = await renderAll(markdowns, { html: 'keep' }, { jobs: 2, minNotes: 1, batchSize: 4, worker: pathToFileURL(file) });
    expect(workers).toBe(1);
    const here = notes.filter((rendered) => rendered.html !== 'worker');
    expect(here.length).toBeGreaterThan(0);
    expect(here.length).toBeLessThan(markdowns.length);
    notes.forEach((rendered, index) => {
      if (rendered.html !== 'worker') expect(rendered).toEqual(renderMarkdown(markdowns[index]!, { html: 'keep' }));
    });
  });

  it('reports a worker that throws, crashes or cannot start, instead of waiting for it', async () => {
    const root = await tempProject({});
    const script = async (name: string, code: string) => {
      const file = path.join(root, name);
      await writeFile(file, code);
      return pathToFileURL(file);
    };
    const throws = await script('throws.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => { throw new Error('the renderer broke'); });\n`);
    const exits = await script('exits.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n`);
    const replies = await script('replies.mjs', `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', (batch) => parentPort.postMessage({ id: batch.id, error: 'Error: bad notes' }));\n`);
    const run = (worker: URL) => renderAll(many(20), { html: 'keep' }, { jobs: 2, minNotes: 1, worker });
    await expect(run(throws)).rejects.toThrow(/^rendering the notes in worker threads failed: the renderer broke$/);
    await expect(run(exits)).rejects.toThrow('rendering the notes in worker threads failed: a worker stopped (exit code 3) before the notes were rendered');
    await expect(run(replies)).rejects.toThrow(/^rendering the notes in worker threads failed: batch \d+ of \d+: Error: bad notes$/);
    await expect(run(pathToFileURL(path.join(root, 'missing.mjs')))).rejects.toThrow(/rendering the notes in worker threads failed: .*missing\.mjs/);
  });
});
