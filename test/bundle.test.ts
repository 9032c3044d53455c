import { execFile } from 'node:child_process';
import { copyFile, cp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isBundled, workerScript } from '../src/worker-script.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject, writeFiles } from './helpers.js';

const repository = fileURLToPath(new URL('..', import.meta.url));
const run = promisify(execFile);

/** Logs the script of every worker thread the process starts, on stderr. */
const LOG_WORKERS = `data:text/javascript,${encodeURIComponent(
  "import wt from 'node:worker_threads'; import { syncBuiltinESMExports } from 'node:module';" +
    'const Started = wt.Worker; wt.Worker = class extends Started { constructor(script, options) { process.stderr.write(`worker: ${script}\\n`); super(script, options); } };' +
    'syncBuiltinESMExports();',
)}`;

describe('the worker scripts of each form of the code', () => {
  it('are the bundled ones for the bundle, the compiled ones beside lib/, and lib/ under vitest', () => {
    expect(workerScript('render-worker', 'file:///p/lib/bundle-attachments.js').href).toBe('file:///p/lib/render-worker.bundle.js');
    expect(workerScript('render-worker', 'file:///p/lib/cli.bundle.js').href).toBe('file:///p/lib/render-worker.bundle.js');
    expect(workerScript('folder-listing-worker', 'file:///p/lib/folder-listing.js').href).toBe('file:///p/lib/folder-listing-worker.js');
    expect(workerScript('render-worker', 'file:///p/src/render-pool.ts').href).toBe('file:///p/lib/render-worker.js');
    // A folder named like a bundle is no bundle: only the file's own name counts.
    expect(isBundled('file:///p/bundle-x/lib/render-pool.js')).toBe(false);
  });
});

describe('the CLI as bin/podsite.js runs it, bundled', () => {
  it('renders in bundled worker threads and builds the same site as the compiled lib/cli.js', async () => {
    const episodes: Record<string, string> = {};
    // Enough notes for the pool of worker threads (100 at least).
    for (let n = 1; n <= 110; n++) {
      const day = String((n % 28) + 1).padStart(2, '0');
      const month = String(Math.floor(n / 28) + 1).padStart(2, '0');
      episodes[`episodes/2024-${month}-${day}-e${n}.md`] = episodeFile(`title: Episode ${n}`, `## Part ${n}\n\nNotes with a [link](https://example.com/${n}) and a table:\n\n| a | b |\n|---|---|\n| ${n} | <b>raw</b> |\n`);
    }
    const bundled = await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, ...episodes });
    const compiled = path.join(path.dirname(bundled), `${path.basename(bundled)}-compiled`);
    await cp(bundled, compiled, { recursive: true });

    const fromBin = await run(process.execPath, ['--import', LOG_WORKERS, path.join(repository, 'bin/podsite.js'), 'build', '--jobs', '2', '--verbose'], { cwd: bundled });
    expect(fromBin.stderr).toMatch(/markdown .*\(1 worker thread\)/);
    const started = [...fromBin.stderr.matchAll(/^worker: (.*)$/gm)].map((match) => path.basename(fileURLToPath(match[1]!)));
    expect(started).toContain('render-worker.bundle.js');
    expect(started.every((script) => script.endsWith('.bundle.js'))).toBe(true);

    // bin/podsite.js as it was before the bundle: a script file, since worker threads inherit the flags of an -e.
    const compiledBin = path.join(compiled, 'compiled-cli.mjs');
    await writeFile(compiledBin, `import { main } from ${JSON.stringify(new URL('../lib/cli.js', import.meta.url).href)};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    const fromLib = await run(process.execPath, ['--import', LOG_WORKERS, compiledBin, 'build', '--jobs', '2'], { cwd: compiled });
    await rm(compiledBin);
    expect(fromLib.stderr).toMatch(/worker: .*\/lib\/render-worker\.js$/m);
    const summary = (stdout: string) => stdout.replace(/ in \d+ ms/, '');
    expect(summary(fromLib.stdout)).toBe(summary(fromBin.stdout));

    const [one, other] = await Promise.all([readTree(path.join(bundled, 'dist')), readTree(path.join(compiled, 'dist'))]);
    expect([...one.keys()].sort()).toEqual([...other.keys()].sort());
    for (const [file, bytes] of one) expect(bytes.equals(other.get(file)!), file).toBe(true);
  });
});

describe('bin/podsite.js', () => {
  it('runs the bundle unless tsc built the code after it, and the bundle alone where there is no tsc build (a package)', async () => {
    const root = await tempProject({});
    await mkdir(path.join(root, 'bin'));
    await copyFile(path.join(repository, 'bin/podsite.js'), path.join(root, 'bin/podsite.js'));
    const stub = (name: string) => `export async function main() { process.stdout.write(${JSON.stringify(name)}); return 0; }\n`;
    await writeFiles(root, { 'lib/cli.bundle.js': stub('bundle'), 'lib/cli.js': stub('compiled'), 'lib/.tsbuildinfo': '{}' });
    const ran = async () => (await run(process.execPath, [path.join(root, 'bin/podsite.js')])).stdout;
    const at = (file: string, seconds: number) => utimes(path.join(root, 'lib', file), seconds, seconds);

    await at('.tsbuildinfo', 1_000);
    await at('cli.bundle.js', 2_000);
    expect(await ran()).toBe('bundle');
    // tsc alone, after the bundle: the bundle holds older code.
    await at('.tsbuildinfo', 3_000);
    expect(await ran()).toBe('compiled');
    await rm(path.join(root, 'lib/.tsbuildinfo'));
    expect(await ran()).toBe('bundle');
  });
});
