// What the feed check costs on a large archive: the `check feed` stage of a full build, and of the
// rebuilds `podsite dev` makes after one episode is saved, next to the `feed` stage; then the
// checker alone, without a cache. Usage: npm run bench:feed-check [-- EPISODES [EDITS]]
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { build } from '../lib/build.js';
import { createCache } from '../lib/cache.js';
import { checkFeed } from '../lib/feed-check.js';
import { generateArchive } from './generate.mjs';

const count = Number(process.argv[2] ?? 4000);
const edits = Number(process.argv[3] ?? 10);
const folder = path.join(tmpdir(), `podsite-bench-feed-check-${count}`);
const files = await generateArchive(folder, count);

const stage = (result, name) => result.timings.find((timing) => timing.stage === name).ms;
const ms = (value) => `${Math.round(value)} ms`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const cache = createCache();
const first = await build({ cwd: folder, cache, write: false });
if (!first.ok) throw new Error('the generated archive does not build');
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
  last = await build({ cwd: folder, cache, write: false });
  feedMs.push(stage(last, 'feed'));
  checkMs.push(stage(last, 'check feed'));
}
console.log(`one save (median of ${edits}): feed ${ms(median(feedMs))}, check feed ${ms(median(checkMs))} (from ${ms(Math.min(...checkMs))} to ${ms(Math.max(...checkMs))})`);

const xml = last.output.files.find((file) => file.path === 'feed.xml').contents;
const uncached = [];
for (let i = 0; i < 3; i++) {
  const start = performance.now();
  checkFeed(xml);
  uncached.push(performance.now() - start);
}
console.log(`checker alone, no cache (median of 3): ${ms(median(uncached))}`);
