// What the feed check costs on a large archive: the `check feed` stage of a full build, and of the
// rebuilds `podsite dev` makes after one episode is saved, next to the `feed` stage; then the
// checker alone, without a cache. Usage: npm run bench:feed-check [-- EPISODES [EDITS]]
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from '../lib/build.js';
import { createCache } from '../lib/cache.js';
import { checkFeed, createFeedCheckCache } from '../lib/feed-check.js';
import { generateArchive } from './generate.mjs';

const count = Number(process.argv[2] ?? 4000);
const edits = Number(process.argv[3] ?? 10);
// A folder of its own: two clones benchmarking at once on one machine must not share one.
const folder = await mkdtemp(path.join(tmpdir(), `podsite-bench-feed-check-${count}-`));
const files = await generateArchive(folder, count);

const stage = (result, name) => result.timings.find((timing) => timing.stage === name).ms;
const ms = (value) => `${Math.round(value)} ms`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cache = createCache();
// The generated archive runs past today beyond about 4,000 episodes: --future keeps them all in the feed.
const options = { cwd: folder, cache, write: false, future: true };
const first = await build(options);
if (!first.ok) throw new Error('the generated archive does not build');
if (first.stats.feedItems !== count) throw new Error(`the feed has ${first.stats.feedItems} items, not ${count}`);
const feedSize = (result) => Buffer.byteLength(result.output.files.find((file) => file.path === 'feed.xml').contents);
console.log(`${count} episodes, a feed of ${(feedSize(first) / 1e6).toFixed(1)} MB`);
console.log(`full build:  feed ${ms(stage(first, 'feed'))}, check feed ${ms(stage(first, 'check feed'))}`);

const feedMs = [];
const checkMs = [];
let last = first;
for (let i = 0; i < edits; i++) {
  const file = path.join(folder, 'episodes', files[Math.floor(((i + 0.5) / edits) * (files.length - 1))]);
  await writeFile(file, `${await readFile(file, 'utf8')}\nEdited ${i}.\n`);
  cache.dirty = new Set([file]);
  last = await build(options);
  feedMs.push(stage(last, 'feed'));
  checkMs.push(stage(last, 'check feed'));
}
console.log(`one save (median of ${edits}): feed ${ms(median(feedMs))}, check feed ${ms(median(checkMs))} (from ${ms(Math.min(...checkMs))} to ${ms(Math.max(...checkMs))})`);

const xml = last.output.files.find((file) => file.path === 'feed.xml').contents;
// The stage also pays for V8 to flatten the feed string the feed stage built in pieces, which
// writing it would pay otherwise; on a flat string, with every item known, the rest is the check.
const itemKeys = last.site.episodes.map((e) => e.key);
const itemCache = createFeedCheckCache();
checkFeed(xml, { cache: itemCache, itemKeys });
const cachedRuns = [];
for (let i = 0; i < 5; i++) {
  const start = performance.now();
  checkFeed(xml, { cache: itemCache, itemKeys });
  cachedRuns.push(performance.now() - start);
}
console.log(`checker alone, flat string, every item cached (median of 5): ${ms(median(cachedRuns))}`);
const uncached = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  checkFeed(xml);
  uncached.push(performance.now() - start);
}
console.log(`checker alone, no cache (median of 3): ${ms(median(uncached))}`);
await rm(folder, { recursive: true, force: true });
