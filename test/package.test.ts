import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseXmlStrict, tempProject } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

async function exec(command: string, args: string[], cwd: string, timeout = 240_000): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(command, args, { cwd, timeout, maxBuffer: 16 * 1024 * 1024 });
}

/** The install needs the registry for the dependencies of the tarball; without it the test says why it did not run. */
async function registryReachable(): Promise<boolean> {
  try {
    await exec(npm, ['ping'], repository, 15_000);
    return true;
  } catch {
    console.warn('test/package.test.ts skipped: `npm ping` does not reach the npm registry, so the packed tarball cannot be installed');
    return false;
  }
}

const reachable = await registryReachable();

describe.skipIf(!reachable)('the npm package', () => {
  it('packs, installs without dev dependencies, makes a show with npx podsite init, builds it with npx podsite build, and serves its API to scripts', { timeout: 600_000 }, async () => {
    const packed = await tempProject({});
    // lib/ is compiled by `npm test` (pretest): no prepare script here, which would compile it again under the other tests.
    const pack = await exec(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', packed], repository);
    const [manifest] = JSON.parse(pack.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = manifest.files.map((file) => file.path);
    expect(paths).toContain('templates/episode.hbs');
    expect(paths).toContain('lib/index.d.ts');
    expect(paths.filter((file) => file.endsWith('.map') || file.includes('tsbuildinfo') || file.startsWith('test/') || file.startsWith('src/'))).toEqual([]);

    const consumer = await tempProject({ 'package.json': JSON.stringify({ name: 'a-show', private: true, type: 'module' }) });
    await exec(npm, ['install', path.join(packed, manifest.filename), '--omit=dev', '--no-audit', '--no-fund'], consumer);
    expect(existsSync(path.join(consumer, 'node_modules/podsite/templates/layout.hbs'))).toBe(true);
    for (const devOnly of ['typescript', 'vitest', 'playwright-core']) expect(existsSync(path.join(consumer, 'node_modules', devOnly)), devOnly).toBe(false);

    // --no: the podsite just installed, never one fetched from the registry under the same name.
    await exec(npx, ['--no', 'podsite', 'init', '--yes', '--title', 'Packed Show', '--url', 'https://packed.example.com/', '--timezone', 'UTC'], consumer);
    const built = await exec(npx, ['--no', 'podsite', 'build'], consumer);
    // No ", N warnings" after the time: the new show builds clean.
    expect(built.stdout).toMatch(/^Built \d+ pages \(1 episode, 0 posts\) and a feed of 1 item into dist\/ in \d+ ms\n?$/);
    expect(existsSync(path.join(consumer, 'dist/index.html'))).toBe(true);
    const today = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
    expect(existsSync(path.join(consumer, `dist/${today}/welcome/index.html`))).toBe(true);
    const feed = parseXmlStrict(await readFile(path.join(consumer, 'dist/feed.xml'), 'utf8'));
    const channel = feed.children.find((child) => child.name === 'channel')!;
    expect(channel.children.filter((child) => child.name === 'item')).toHaveLength(1);

    await writeFile(
      path.join(consumer, 'script.mjs'),
      `import { build, check, formatDiagnostics, RULES } from 'podsite';
const checked = await check({ cwd: process.cwd() });
const built = await build({ cwd: process.cwd(), output: 'from-script' });
console.log(JSON.stringify({ checked: checked.ok, built: built.ok, episodes: built.stats.episodes, rules: Object.keys(RULES).length, report: typeof formatDiagnostics }));
`,
    );
    const script = await exec(process.execPath, ['script.mjs'], consumer);
    expect(JSON.parse(script.stdout)).toEqual({ checked: true, built: true, episodes: 1, rules: expect.any(Number), report: 'function' });
    expect(existsSync(path.join(consumer, 'from-script/feed.xml'))).toBe(true);
    const installed = JSON.parse(await readFile(path.join(consumer, 'node_modules/podsite/package.json'), 'utf8')) as { types: string };
    expect(existsSync(path.join(consumer, 'node_modules/podsite', installed.types))).toBe(true);
  });
});
