// How long `podsite dev` takes, after one episode of a large archive is saved, to have the new page
// on disk and the browser told. Usage: npm run bench:dev [-- EPISODES [EDITS]]
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startDev } from '../lib/dev/dev.js';
import { generateArchive } from './generate.mjs';

const count = Number(process.argv[2] ?? 4000);
const edits = Number(process.argv[3] ?? 20);
const folder = path.join(tmpdir(), `podsite-bench-dev-${count}`);
const files = await generateArchive(folder, count);

let pageWritten;
let notified;
const dev = await startDev({
  cwd: folder,
  port: 0,
  onEntryPages: () => pageWritten?.(performance.now()),
  onBuild: (build) => notified?.(build),
});
await dev.ready;
console.log(`${count} episodes: first build ${Math.round(dev.first.ms)} ms, ${dev.first.changed.length} files`);

const latencies = [];
const totals = [];
for (let i = 0; i < edits; i++) {
  // Spread the edits over the archive, avoiding the newest page (its neighbours include the home page).
  const name = files[Math.floor(((i + 0.5) / edits) * (files.length - 1))];
  const file = path.join(folder, 'episodes', name);
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
  const page = await readFile(path.join(dev.session.outputFolder, name.slice(0, 10).replaceAll('-', '/'), name.slice(11, -3), 'index.html'), 'utf8');
  if (!page.includes(marker)) throw new Error(`the page of ${name} does not show the edit`);
  latencies.push(elapsed);
  totals.push(finished);
  console.log(`edit ${String(i + 1).padStart(2)}: page ${elapsed.toFixed(1)} ms, home/archive/feed ${finished.toFixed(1)} ms (${build.changed.length} files written)`);
  await dev.idle();
}
await dev.close();

const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2;
  return `median ${median.toFixed(1)} ms, worst ${sorted.at(-1).toFixed(1)} ms, best ${sorted[0].toFixed(1)} ms`;
};
console.log(`\n${count} episodes, ${edits} edits, from the save (file watcher included):`);
console.log(`  edited page on disk and browser told: ${summary(latencies)}`);
console.log(`  home pages, archive and feed updated too: ${summary(totals)}`);
