// The archive's search on a built site, in Chromium: the head's size (raw and gzip), the shards'
// (total and largest), the time to load the head, and for each query the shards it fetches
// (bytes raw and gzip) and its time: cold (fetching and loading its shards, then searching, as
// the first query of a visit) and warm (shards already here), median and worst of 21.
// The page's search (assets/search.js) is run as it is, from the built site, against a local
// server: times leave out the network but include parsing and loading.
// Usage: node bench/search.mjs SITE_FOLDER [QUERY...], e.g. after
//   node bin/podsite.js build --config docs/examples/lescastcodeurs.yaml --out /tmp/lcc --ledger /tmp/lcc.lock
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const [folder, ...asked] = process.argv.slice(2);
if (folder === undefined) throw new Error('usage: node bench/search.mjs SITE_FOLDER [QUERY...]');
const queries = asked.length > 0 ? asked : ['java', 'sécurité', 'securite', 'kubernetes', 'graalvm native', 'spring boot', 'quarkus', 'loom', 'j', 'ja', 'jav'];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const gzipped = (bytes) => gzipSync(bytes, { level: 9 }).length;
const head = await readFile(path.join(folder, 'search-index.json'));
const library = await readFile(path.join(folder, 'assets/minisearch.js'));
const { notes } = JSON.parse(head.toString('utf8'));
const shardSizes = new Map();
for (const { file } of notes.shards) {
  const bytes = await readFile(path.join(folder, file));
  shardSizes.set(file, { raw: bytes.length, gzip: gzipped(bytes) });
}
const sizes = [...shardSizes.values()];
const sum = (list, key) => list.reduce((total, size) => total + size[key], 0);
const largest = (key) => Math.max(...sizes.map((size) => size[key]));
console.log(`head search-index.json: ${kb(head.length)}, ${kb(gzipped(head))} gzip`);
console.log(`library assets/minisearch.js: ${kb(library.length)}, ${kb(gzipped(library))} gzip`);
console.log(`shards: ${sizes.length}, total ${kb(sum(sizes, 'raw'))} (${kb(sum(sizes, 'gzip'))} gzip), largest ${kb(largest('raw'))} (${kb(largest('gzip'))} gzip)`);

const server = createServer((request, response) => {
  const pathname = new URL(request.url, 'http://host').pathname;
  const file = path.join(folder, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  readFile(file).then(
    (body) => response.writeHead(200, { 'content-type': pathname.endsWith('.js') ? 'text/javascript' : pathname.endsWith('.json') ? 'application/json' : 'text/html' }).end(body),
    () => response.writeHead(404).end(),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });

/** The archive, fresh, with the shards it fetches recorded; resolves once the search's head is loaded. */
async function archive() {
  const page = await browser.newPage();
  const fetched = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.includes('/search/notes-')) fetched.push(url.slice(origin.length + 1));
  });
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(`${origin}/archive/`);
  return { page, fetched };
}

/**
 * Types the query into an emptied field, and the time until its results are final: shown and not
 * marked busy (an empty field hides them at once, so an earlier query's cannot be mistaken).
 */
async function timed(page, query) {
  return page.evaluate(async (query) => {
    const input = document.querySelector('input[type="search"]');
    const results = document.querySelector('.archive-search-results');
    input.value = '';
    input.dispatchEvent(new Event('input'));
    const start = performance.now();
    input.value = query;
    input.dispatchEvent(new Event('input'));
    await new Promise((resolve) => {
      const check = () => (!results.hidden && !results.hasAttribute('aria-busy') ? resolve() : setTimeout(check, 0));
      check();
    });
    return { ms: performance.now() - start, count: results.children.length };
  }, query);
}

try {
  const { page: first } = await archive();
  // The head and the library are loaded on first use; a query of one letter waits for them and no shard.
  const loadMs = (await timed(first, 'x')).ms;
  console.log(`head and library, fetched, parsed and loaded (local server): ${loadMs.toFixed(0)} ms`);
  await first.close();

  for (const query of queries) {
    // First: a new page, in a new browser context (its own cache), the head already loaded.
    const { page, fetched } = await archive();
    await page.evaluate(() => document.querySelector('input[type="search"]').focus());
    await timed(page, 'x');
    const cold = await timed(page, query);
    const bytes = fetched.map((file) => shardSizes.get(file));
    const warm = [];
    for (let run = 0; run < 21; run++) warm.push((await timed(page, query)).ms);
    warm.sort((a, b) => a - b);
    console.log(
      `${JSON.stringify(query)}: ${cold.count} results; ${fetched.length} shard(s), ${kb(sum(bytes, 'raw'))} (${kb(sum(bytes, 'gzip'))} gzip); ` +
        `first ${cold.ms.toFixed(1)} ms, then median ${warm[10].toFixed(1)} ms, worst of 21 ${warm[20].toFixed(1)} ms`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
