// The measurement behind bench/dev-latency.mjs and bench/run.mjs: how long `podsite dev` takes,
// after one episode is saved, to have its page on disk (and the browser told), then the rest
// (home pages, archive, feed).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startDev } from '../lib/dev/dev.js';

export function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, worst: sorted.at(-1), best: sorted[0] };
}

/**
 * Starts `podsite dev` in `folder`, saves `edits` episodes of `files` (names in `episodes`, oldest
 * first) one after the other, and returns the latencies in ms. `log` is told each edit.
 */
export async function measureDevLatency({ folder, files, edits, episodes = 'episodes', log = () => {} }) {
  let pageWritten;
  let notified;
  const dev = await startDev({
    cwd: folder,
    port: 0,
    onEntryPages: () => pageWritten?.(performance.now()),
    onBuild: (build) => notified?.(build),
  });
  const page = [];
  const total = [];
  try {
    await dev.ready;
    log(`first build ${Math.round(dev.first.ms)} ms, ${dev.first.changed.length} files`);
    for (let i = 0; i < edits; i++) {
      // Spread the edits over the archive, avoiding the newest page (its neighbours include the home page).
      const name = files[Math.floor(((i + 0.5) / edits) * (files.length - 1))];
      const file = path.join(folder, episodes, name);
      const marker = `Edited ${i} at ${Date.now()}`;
      const text = (await readFile(file, 'utf8')).replace(/\n---\n/, `\n---\n${marker}\n\n`);
      const built = new Promise((resolve) => (notified = resolve));
      const written = new Promise((resolve) => (pageWritten = resolve));
      const started = performance.now();
      await writeFile(file, text);
      const build = await built;
      const finished = performance.now() - started;
      // The page is announced to the browser in the same call that reports it written.
      const elapsed = (await Promise.race([written, Promise.resolve(Number.NaN)])) - started;
      const html = await readFile(path.join(dev.session.outputFolder, name.slice(0, 10).replaceAll('-', '/'), name.slice(11, -3), 'index.html'), 'utf8');
      if (!html.includes(marker)) throw new Error(`the page of ${name} does not show the edit`);
      page.push(elapsed);
      total.push(finished);
      log(`edit ${String(i + 1).padStart(2)}: page ${elapsed.toFixed(1)} ms, home/archive/feed ${finished.toFixed(1)} ms (${build.changed.length} files written)`);
      await dev.idle();
    }
  } finally {
    await dev.close();
  }
  return { firstMs: dev.first.ms, page, total };
}
