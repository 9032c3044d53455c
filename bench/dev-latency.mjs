// How long `podsite dev` takes, after one episode of a large archive is saved, to have the new page
// on disk and the browser told. Usage: npm run bench:dev [-- EPISODES [EDITS]]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { measureDevLatency, summarize } from './dev.mjs';
import { generateArchive } from './generate.mjs';

const count = Number(process.argv[2] ?? 4000);
const edits = Number(process.argv[3] ?? 20);
// A folder of its own: two clones benchmarking at once on one machine must not share one.
const folder = await mkdtemp(path.join(tmpdir(), `podsite-bench-dev-${count}-`));
const files = await generateArchive(folder, count);

const { page, total } = await measureDevLatency({ folder, files, edits, log: (line) => console.log(`${count} episodes: ${line}`) });
const text = (values) => {
  const { median, worst, best } = summarize(values);
  return `median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms, best ${best.toFixed(1)} ms`;
};
console.log(`\n${count} episodes, ${edits} edits, from the save (file watcher included):`);
console.log(`  edited page on disk and browser told: ${text(page)}`);
console.log(`  home pages, archive and feed updated too: ${text(total)}`);
await rm(folder, { recursive: true, force: true });
