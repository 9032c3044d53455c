import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { rolldown, type InputOptions, type OutputChunk, type OutputOptions } from 'rolldown';
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

/** The chunks of the bundle as scripts/bundle.mjs makes it, made in memory. */
async function bundleChunks(): Promise<OutputChunk[]> {
  const options = (await import(pathToFileURL(path.join(repository, 'scripts/bundle-options.mjs')).href)) as { inputOptions: InputOptions; outputOptions: OutputOptions };
  const bundle = await rolldown(options.inputOptions);
  try {
    const { output } = await bundle.generate(options.outputOptions);
    return output.filter((file): file is OutputChunk => file.type === 'chunk');
  } finally {
    await bundle.close();
  }
}

const packageOf = (moduleId: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(moduleId)?.[1];
const packagesOf = (chunks: Iterable<OutputChunk>) => new Set([...chunks].flatMap((chunk) => chunk.moduleIds.flatMap((id) => packageOf(id) ?? [])));

/** A chunk and every chunk it imports statically: what Node reads and compiles when it is imported. */
function loadedWith(start: OutputChunk, chunks: readonly OutputChunk[]): OutputChunk[] {
  const byName = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
  const loaded = new Set<OutputChunk>();
  const visit = (chunk: OutputChunk) => {
    if (loaded.has(chunk)) return;
    loaded.add(chunk);
    for (const name of chunk.imports) if (byName.has(name)) visit(byName.get(name)!);
  };
  visit(start);
  return [...loaded];
}

describe('the bundle', () => {
  it('leaves out the packages podsite never runs, and the pipeline loads audio parsing only when a file is read', async () => {
    const chunks = await bundleChunks();
    const bundled = packagesOf(chunks);
    // Reached only through gray-matter's own YAML engine (podsite passes its own) and handlebars' source maps.
    for (const unused of ['js-yaml', 'esprima', 'source-map']) expect(bundled).not.toContain(unused);

    const pipeline = chunks.find((chunk) => chunk.moduleIds.includes(path.join(repository, 'lib/pipeline.js')))!;
    const loaded = packagesOf(loadedWith(pipeline, chunks));
    for (const used of ['gray-matter', 'handlebars', 'yaml', 'saxes']) expect(loaded).toContain(used);
    for (const later of ['music-metadata', 'file-type']) {
      expect(bundled).toContain(later);
      expect(loaded).not.toContain(later);
    }
  });

  it('keeps JavaScript front matter from running in the bundled CLI, as in lib/', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'episodes/2024-01-01-js.md': "---js\nrequire('fs').writeFileSync('evaluated', 'x')\n---\nNotes.\n",
      'episodes/2024-01-02-function.md': episodeFile("title: !!js/function \"function () { require('fs').writeFileSync('evaluated', 'x') }\""),
      'episodes/2024-01-03-yaml.md': '---yaml\ntitle: Named YAML\n---\nNotes.\n',
    });
    const built = await run(process.execPath, [path.join(repository, 'bin/podsite.js'), 'build'], { cwd: root }).catch((failed: { stdout: string; stderr: string }) => failed);
    const output = built.stdout + built.stderr;
    expect(output).toMatch(/2024-01-01-js\.md[^]*missing-front-matter/);
    expect(output).toMatch(/2024-01-02-function\.md[^]*Unresolved tag: tag:yaml\.org,2002:js\/function/);
    expect(output).not.toMatch(/internal error|js-yaml/i);
    expect(existsSync(path.join(root, 'evaluated'))).toBe(false);
  });
});
