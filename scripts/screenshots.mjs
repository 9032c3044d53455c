// Remakes the README's screenshots of the default theme (docs/screenshots/*.png) from the sample
// podcast: home and an episode page, desktop and mobile, light and dark. Run `npm run screenshots`.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from '../lib/build.js';

const CHROMIUM = '/usr/bin/chromium';
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is absent: the screenshots need Debian's Chromium (apt-get install chromium).`);
  process.exit(1);
}

const root = fileURLToPath(new URL('../', import.meta.url));
const target = path.join(root, 'docs/screenshots');
const PAGES = { home: '/', episode: '/episodes/water-towers/' };
// deviceScaleFactor 1 keeps each picture small enough for a README (well under 300 KB).
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  mobile: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
};
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.json': 'application/json', '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml' };

// Built into a temp folder with a copy of the ledger, so the committed podsite.lock stays as it is.
const output = await mkdtemp(path.join(tmpdir(), 'podsite-screenshots-'));
await copyFile(path.join(root, 'podsite.lock'), `${output}.lock`);
const server = createServer((request, response) => {
  const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://host').pathname);
  const file = path.join(output, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  if (!file.startsWith(output + path.sep)) return response.writeHead(403).end();
  readFile(file).then(
    (body) => response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
    () => response.writeHead(404).end('not found'),
  );
});
let browser;
try {
  const result = await build({ cwd: root, output, ledger: `${output}.lock` });
  if (!result.ok) throw new Error('the sample podcast does not build; run `npm run build` to see why');
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--font-render-hinting=none'] });
  await mkdir(target, { recursive: true });
  for (const [device, options] of Object.entries(DEVICES)) {
    for (const colorScheme of ['light', 'dark']) {
      const context = await browser.newContext({ ...options, colorScheme, reducedMotion: 'reduce' });
      // The sample's audio is on a host that does not exist; nothing but the site is asked for.
      await context.route((url) => url.origin !== origin, (route) => route.fulfill({ status: 204 }));
      const page = await context.newPage();
      for (const [name, pathname] of Object.entries(PAGES)) {
        await page.goto(`${origin}${pathname}`, { waitUntil: 'networkidle' });
        await page.evaluate(() => document.fonts.ready);
        const file = path.join(target, `${name}-${device}-${colorScheme}.png`);
        await page.screenshot({ path: file, animations: 'disabled', caret: 'hide' });
        console.log(`${path.relative(root, file)}  ${Math.round((await stat(file)).size / 1024)} KB`);
      }
      await context.close();
    }
  }
} finally {
  await browser?.close();
  server.close();
  await Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]);
}
