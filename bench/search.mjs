// The archive's search on a built site, in Chromium: the index's size (raw and gzip), the time to
// load it, and the time each query takes, as the page runs them (assets/search.js's options).
// Usage: node bench/search.mjs SITE_FOLDER [QUERY...], e.g. after
//   node bin/podsite.js build --config docs/examples/lescastcodeurs.yaml --out /tmp/lcc --ledger /tmp/lcc.lock
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';

const [folder, ...asked] = process.argv.slice(2);
if (folder === undefined) throw new Error('usage: node bench/search.mjs SITE_FOLDER [QUERY...]');
const queries = asked.length > 0 ? asked : ['java', 'sécurité', 'securite', 'kubernetes', 'graalvm native', 'spring boot', 'j', 'ja', 'jav'];

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KB`;
for (const file of ['search-index.json', 'assets/minisearch.js']) {
  const bytes = await readFile(path.join(folder, file));
  console.log(`${file}: ${kb(bytes.length)}, ${kb(gzipSync(bytes, { level: 9 }).length)} gzip`);
}

const server = createServer((request, response) => {
  const pathname = new URL(request.url, 'http://host').pathname;
  readFile(path.join(folder, pathname)).then(
    (body) => response.writeHead(200, { 'content-type': pathname.endsWith('.js') ? 'text/javascript' : 'application/json' }).end(body),
    () => response.writeHead(404).end(),
  );
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(`${origin}/search-index.json`);
  const report = await page.evaluate(async (queries) => {
    const started = performance.now();
    const [library, file] = await Promise.all([import('/assets/minisearch.js'), fetch('/search-index.json').then((r) => r.json())]);
    const fetched = performance.now();
    const index = library.default.loadJS(file.index, { fields: file.fields, storeFields: ['title', 'url', 'date'] });
    const loaded = performance.now();
    const stopWords = new Set(file.stopWords);
    const fold = (term) => term.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    const timings = queries.map((query) => {
      const terms = query.split(/[\n\r\p{Z}\p{P}]+/u).map(fold).filter((term) => term !== '' && !stopWords.has(term));
      const times = [];
      let found = [];
      for (let run = 0; run < 21; run++) {
        const start = performance.now();
        found = terms.length === 0 ? [] : index.search(terms.join(' '), { processTerm: (t) => t, prefix: true, fuzzy: (t) => (t.length > 4 ? 0.2 : false), combineWith: 'AND', boost: { title: 3, description: 2 } });
        times.push(performance.now() - start);
      }
      times.sort((a, b) => a - b);
      return { query, results: found.length, median: times[10], worst: times[20] };
    });
    return { fetchMs: fetched - started, loadMs: loaded - fetched, timings };
  }, queries);
  console.log(`fetch and parse (local server): ${report.fetchMs.toFixed(0)} ms; loadJS: ${report.loadMs.toFixed(0)} ms`);
  for (const t of report.timings) console.log(`${JSON.stringify(t.query)}: ${t.results} results, median ${t.median.toFixed(2)} ms, worst of 21 ${t.worst.toFixed(2)} ms`);
} finally {
  await browser.close();
  server.close();
}
