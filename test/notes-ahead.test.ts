import { readFileSync } from 'node:fs';
import { rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { build, type BuildOptions } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const episode = (n: number, notes: string) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: ${60 + n}`, `${notes}\n`);

async function project(): Promise<string> {
  const files: Record<string, string> = { 'podsite.yaml': MINIMAL_SETTINGS, 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= 6; n++) files[`episodes/2024-01-0${n}-e${n}.md`] = episode(n, `Notes of episode ${n} with a [link](https://example.com/${n}) and List<String> typed as text.`);
  const root = await tempProject(files);
  // Written an hour ago: the next build trusts them by their stats (src/known-files.ts).
  const hourAgo = new Date(Date.now() - 3_600_000);
  for (const name of Object.keys(files)) if (name.startsWith('episodes/')) await utimes(path.join(root, name), hourAgo, hourAgo);
  return root;
}

const markdownWorkers = (result: { timings: { stage: string; workers?: number }[] }) => result.timings.find((t) => t.stage === 'markdown')?.workers;

/** A first build, an edit of one episode, and the build after it; then the same site built cold, to compare. */
async function editedAndCold(extra: BuildOptions) {
  const root = await project();
  const options = { cwd: root, now: NOW, jobs: 2, ...extra };
  const first = await build(options);
  expect(first.ok).toBe(true);
  // A first build leaves its few notes to the pool, which keeps a small site in one thread.
  expect(markdownWorkers(first)).toBeUndefined();
  await writeFile(path.join(root, 'episodes/2024-01-03-e3.md'), episode(3, 'Edited notes, with a <iframe src="https://www.youtube.com/embed/abcdef3" title="Video"></iframe> preview.'));
  const edited = await build(options);
  expect(edited.ok).toBe(true);
  expect(edited.notes).toEqual({ rendered: 1, reused: 5 });
  // The others are known from the first build, and not read.
  expect(edited.files).toEqual({ read: 1, known: 5 });
  const warm = await readTree(path.join(root, 'dist'));
  await rm(path.join(root, 'dist'), { recursive: true });
  await rm(path.join(root, '.podsite-cache'), { recursive: true });
  const cold = await build({ cwd: root, now: NOW, jobs: 1 });
  return { edited, warm, cold: await readTree(path.join(root, 'dist')), coldResult: cold };
}

describe('the notes of an edited episode', () => {
  it('are rendered by a worker thread while the build reads the archive, into the site a cold build makes', async () => {
    const { edited, warm, cold, coldResult } = await editedAndCold({});
    expect(markdownWorkers(edited)).toBe(1);
    expect(edited.diagnostics).toEqual(coldResult.diagnostics);
    expect([...warm.keys()].sort()).toEqual([...cold.keys()].sort());
    for (const [file, bytes] of cold) expect(warm.get(file)!.equals(bytes), file).toBe(true);
    const page = [...warm].find(([file]) => file.endsWith('/e3/index.html'))![1].toString();
    expect(page).toContain('data-youtube="abcdef3"');
  });

  it('are rendered in the calling thread with one job', async () => {
    const { edited, warm, cold } = await editedAndCold({ jobs: 1 });
    expect(markdownWorkers(edited)).toBeUndefined();
    expect(warm).toEqual(cold);
  });

  it('are rendered in the calling thread when the worker thread fails', async () => {
    const root = await tempProject({ 'exits.mjs': `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n` });
    const { edited, warm, cold } = await editedAndCold({ renderPool: { worker: pathToFileURL(path.join(root, 'exits.mjs')) } });
    expect(markdownWorkers(edited)).toBeUndefined();
    expect(warm).toEqual(cold);
  });
});

describe('the worker thread started for an edit', () => {
  it('is stopped when the notes of the files read are in the cache after all, and podsite exits', async () => {
    const root = await project();
    const bin = fileURLToPath(new URL('../bin/podsite.js', import.meta.url));
    const podsite = () => promisify(execFile)(process.execPath, [bin, 'build', '--verbose', '--jobs', '2'], { cwd: root, timeout: 30_000 });
    await podsite();
    // Saved again as it was: read, since its times changed, but its notes are in the cache.
    const file = path.join(root, 'episodes/2024-01-02-e2.md');
    await writeFile(file, readFileSync(file));
    const { stderr } = await podsite();
    expect(stderr).toContain('notes: 0 rendered, 6 from the cache');
    expect(stderr).toContain('episode files: 1 read, 5 unchanged');
  });
});

describe('the Markdown engine', () => {
  /** The modules a module imports for their values (not `import type`), followed through src/. */
  function staticImports(entry: string): Set<string> {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const [, clause, from] of text.matchAll(/^import\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)\.js';/gms)) {
        if (clause !== undefined) continue;
        visit(path.resolve(path.dirname(file), `${from}.ts`));
      }
    };
    visit(entry);
    return seen;
  }

  it('is not imported by the pipeline: a build whose notes come from the cache or a worker thread never loads it', () => {
    const src = path.resolve(import.meta.dirname, '../src');
    const imported = staticImports(path.join(src, 'pipeline.ts'));
    expect(imported.has(path.join(src, 'render-pool.ts'))).toBe(true);
    expect(imported.has(path.join(src, 'people.ts'))).toBe(true);
    expect(imported.has(path.join(src, 'markdown.ts'))).toBe(false);
  });
});
