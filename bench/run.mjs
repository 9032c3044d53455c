// The benchmark of issue 7: per archive (synthetic ones of the sizes asked, and the real archive of
// Les Cast Codeurs when ../shared/corpus/lescastcodeurs exists), podsite's cold, warm and one-edit
// builds, dev-mode edit latency, peak RSS, output size, and the same minimal site through Eleventy
// and Hugo when they are installed. Prints one markdown table per archive. See docs/benchmark.md.
// Usage: npm run bench [-- --sizes 1000,4000,20000] [--only podsite,eleventy,hugo] [--skip-dev]
//        [--skip-real] [--cold-only] [--edits 10] [--rebuilds 5] [--seed 42] [--keep]
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { measureDevLatency, summarize } from './dev.mjs';
import { generateArchive } from './generate.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(root, 'bin', 'podsite.js');
const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,4000,20000' },
    only: { type: 'string', default: 'podsite,eleventy,hugo' },
    'skip-dev': { type: 'boolean', default: false },
    'skip-real': { type: 'boolean', default: false },
    edits: { type: 'string', default: '10' },
    // Warm builds are short enough for the machine's drift to move one of them by a fifth: each is run this many times.
    rebuilds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    keep: { type: 'boolean', default: false },
    // Only the cold build (time, RSS, size): for the largest archives, where each build is long.
    'cold-only': { type: 'boolean', default: false },
  },
});
const sizes = args.sizes.split(',').filter(Boolean).map(Number);
const only = new Set(args.only.split(','));
const edits = Number(args.edits);
const rebuilds = Math.max(1, Number(args.rebuilds));
const realCorpus = path.resolve(root, '..', 'shared', 'corpus', 'lescastcodeurs');

// Flags that other branches add: passed only when this build of podsite knows them, so the same
// script measures podsite before and after they land.
const help = spawnSync(process.execPath, [cli, 'build', '--help'], { encoding: 'utf8' }).stdout;
const hasJobs = help.includes('--jobs');
const hasNoCache = help.includes('--no-cache');
const eleventyCli = path.join(root, 'bench', 'eleventy', 'node_modules', '@11ty', 'eleventy', 'cmd.cjs');
const hasEleventy = only.has('eleventy') && existsSync(eleventyCli);
const hugo = spawnSync('hugo', ['version'], { encoding: 'utf8' });
const hasHugo = only.has('hugo') && hugo.status === 0;
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const preload = path.join(root, 'bench', 'max-rss.cjs');

/** Runs a command to its end; returns its wall time in ms, its peak RSS in bytes and, with GNU time, its CPU time (user + system, every thread) in ms. */
async function run(command, commandArgs, { cwd, env }) {
  const rssFile = path.join(tmpdir(), `podsite-bench-rss-${process.pid}-${Date.now()}`);
  let file = command;
  let argv = commandArgs;
  const environment = { ...process.env, ...env };
  if (timeBin) {
    // GNU time's %M: the child's peak resident set, in KB, whatever it is (node or hugo); %U and %S its CPU seconds.
    file = timeBin;
    argv = ['-f', '%M %U %S', '-o', rssFile, command, ...commandArgs];
  } else if (command === process.execPath) {
    environment.NODE_OPTIONS = `${environment.NODE_OPTIONS ?? ''} --require ${preload}`;
    environment.PODSITE_BENCH_RSS_FILE = rssFile;
  }
  const started = performance.now();
  const { code, output } = await new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd, env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${command} ${commandArgs.join(' ')} exited with ${code}:\n${output.slice(-3000)}`);
  let rss = Number.NaN;
  let cpu = Number.NaN;
  if (existsSync(rssFile)) {
    const lines = (await readFile(rssFile, 'utf8')).trim().split('\n');
    const [kb, user, system] = lines.at(-1).split(' ').map(Number);
    rss = kb * 1024;
    if (user !== undefined && system !== undefined) cpu = (user + system) * 1000;
    await rm(rssFile, { force: true });
  }
  return { ms, rss, cpu, output };
}

/** Every file under `folder`: their total size, their count, and one hash of names and contents. */
async function tree(folder) {
  const hash = createHash('sha256');
  let bytes = 0;
  let files = 0;
  const walk = async (dir) => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else {
        const contents = await readFile(full);
        hash.update(path.relative(folder, full)).update('\0').update(contents).update('\0');
        bytes += contents.length;
        files++;
      }
    }
  };
  await walk(folder);
  return { bytes, files, hash: hash.digest('hex') };
}

/** A synthetic archive, or a copy of the real one: the benchmark edits episodes, never the corpus. */
async function prepare(name, work) {
  const folder = path.join(work, name);
  if (name !== 'lescastcodeurs') {
    const files = await generateArchive(folder, Number(name), Number(args.seed));
    return { name: `${name} synthetic episodes`, folder, episodes: 'episodes', files };
  }
  await mkdir(folder, { recursive: true });
  await cp(path.join(realCorpus, 'posts'), path.join(folder, 'posts'), { recursive: true });
  await cp(path.join(realCorpus, 'team'), path.join(folder, 'team'), { recursive: true });
  // docs/examples/lescastcodeurs.yaml, reading the copy beside it instead of the shared corpus.
  const settings = (await readFile(path.join(root, 'docs', 'examples', 'lescastcodeurs.yaml'), 'utf8'))
    .replace(/^(\s*episodes:).*$/m, '$1 posts')
    .replace(/^(\s*people:).*$/m, '$1 team');
  await writeFile(path.join(folder, 'podsite.yaml'), settings);
  const files = (await readdir(path.join(folder, 'posts'))).filter((f) => f.endsWith('.md')).sort();
  return { name: `lescastcodeurs (real, ${files.length} files)`, folder, episodes: 'posts', files };
}

async function podsiteBuild(archive, out, extra = [], label = 'build') {
  const result = await run(process.execPath, [cli, 'build', '--out', out, ...extra], { cwd: archive.folder });
  // "Built N pages (…)", or "… is up to date with N pages (…)" when nothing changed since the last build.
  const built = /(?:Built|up to date with) (\d+) pages \((\d+) episodes, (\d+) posts\)/.exec(result.output);
  // Each figure as soon as it is taken: a long run cut short still tells what it measured.
  console.error(`  podsite ${label}: ${s(result.ms)}, CPU ${s(result.cpu)}, peak RSS ${mb(result.rss)}`);
  return { ...result, pages: built ? Number(built[1]) : Number.NaN, entries: built ? Number(built[2]) + Number(built[3]) : Number.NaN };
}

async function benchPodsite(archive) {
  const out = path.join(archive.folder, 'dist');
  const rows = {};
  await rm(out, { recursive: true, force: true });
  await rm(path.join(archive.folder, '.podsite-cache'), { recursive: true, force: true });
  const cold = await podsiteBuild(archive, out, [], 'cold');
  const coldTree = await tree(out);
  console.error(`  podsite output: ${mb(coldTree.bytes)}, ${coldTree.files} files`);
  if (args['cold-only']) return { cold, tree: coldTree, identical: {} };
  const warms = [];
  for (let run = 1; run <= rebuilds; run++) warms.push(await podsiteBuild(archive, out, [], `warm ${run}/${rebuilds}`));
  const warmTree = await tree(out);
  // The same with the record of the last build removed: every stage runs, on the build cache.
  const cache = path.join(archive.folder, '.podsite-cache');
  for (const name of await readdir(cache).catch(() => [])) if (name.startsWith('last-build-')) await rm(path.join(cache, name));
  const pipeline = await podsiteBuild(archive, out, [], 'warm, every stage run');
  const pipelineTree = await tree(out);
  // One line appended to an episode in the middle of the archive, another before each run: its page and the feed change.
  const edited = path.join(archive.folder, archive.episodes, archive.files[Math.floor(archive.files.length / 2)]);
  const editBuilds = [];
  for (let run = 1; run <= rebuilds; run++) {
    await appendFile(edited, `\nEdited by the benchmark at ${new Date().toISOString()} (${run}).\n`);
    editBuilds.push(await podsiteBuild(archive, out, [], `warm, one edit ${run}/${rebuilds}`));
  }
  rows.cold = cold;
  rows.warms = warms;
  rows.pipeline = pipeline;
  rows.edits = editBuilds;
  rows.tree = coldTree;
  rows.identical = { 'cold = warm': coldTree.hash === warmTree.hash && coldTree.hash === pipelineTree.hash };
  if (hasNoCache) {
    const other = path.join(archive.folder, 'dist-no-cache');
    await podsiteBuild(archive, other, ['--no-cache']);
    rows.identical['cache = --no-cache'] = (await tree(other)).hash === (await tree(out)).hash;
  }
  if (hasJobs) {
    const other = path.join(archive.folder, 'dist-jobs-1');
    await podsiteBuild(archive, other, ['--jobs', '1', ...(hasNoCache ? ['--no-cache'] : [])]);
    rows.identical['--jobs 1 = default'] = (await tree(other)).hash === (await tree(out)).hash;
  }
  if (!args['skip-dev']) {
    rows.dev = await measureDevLatency({
      folder: archive.folder,
      files: archive.files.filter((f) => /^\d{4}-\d\d-\d\d-/.test(f)),
      edits,
      episodes: archive.episodes,
      log: (line) => console.error(`  dev: ${line}`),
    });
  }
  return rows;
}

async function benchEleventy(archive) {
  const out = path.join(archive.folder, 'eleventy-out');
  await rm(out, { recursive: true, force: true });
  const config = path.join(root, 'bench', 'eleventy', 'eleventy.config.mjs');
  const result = await run(process.execPath, [eleventyCli, '--config', config, '--input', path.join(archive.folder, archive.episodes), '--output', out, '--quiet'], { cwd: archive.folder });
  console.error(`  Eleventy cold: ${s(result.ms)}, CPU ${s(result.cpu)}, peak RSS ${mb(result.rss)}`);
  return { ...result, tree: await tree(out) };
}

async function benchHugo(archive) {
  const site = path.join(archive.folder, 'hugo-site');
  const out = path.join(archive.folder, 'hugo-out');
  await rm(out, { recursive: true, force: true });
  await mkdir(site, { recursive: true });
  // Mounts rather than a copy: Hugo reads the episodes where the others read them.
  const mounts = [
    '',
    '[module]',
    '[[module.mounts]]',
    `source = ${JSON.stringify(path.join(root, 'bench', 'hugo', 'layouts'))}`,
    'target = "layouts"',
    '[[module.mounts]]',
    `source = ${JSON.stringify(path.join(archive.folder, archive.episodes))}`,
    'target = "content/episodes"',
    '',
  ].join('\n');
  await writeFile(path.join(site, 'hugo.toml'), (await readFile(path.join(root, 'bench', 'hugo', 'hugo.toml'), 'utf8')) + mounts);
  const result = await run('hugo', ['--source', site, '--destination', out, '--quiet'], { cwd: site });
  console.error(`  Hugo cold: ${s(result.ms)}, CPU ${s(result.cpu)}, peak RSS ${mb(result.rss)}`);
  return { ...result, tree: await tree(out) };
}

/** Median, lowest and highest of some figures (NaN when any is unknown). */
function spread(values) {
  if (values.some(Number.isNaN)) return { median: Number.NaN, low: Number.NaN, high: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return { median: sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, low: sorted[0], high: sorted.at(-1) };
}

const s = (ms) => (Number.isNaN(ms) ? 'n/a' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const mb = (bytes) => (Number.isNaN(bytes) ? 'n/a' : `${(bytes / 1e6).toFixed(1)} MB`);

function table(archive, p, eleventy, hugoResult) {
  const head = ['| | podsite |'];
  const rule = ['|---|---:|'];
  if (eleventy) head.push(' Eleventy 3 | podsite / Eleventy |'), rule.push('---:|---:|');
  if (hugoResult) head.push(' Hugo | podsite / Hugo |'), rule.push('---:|---:|');
  const lines = [head.join(''), rule.join('')];
  const other = (value, e, h, format) => {
    let line = '';
    if (eleventy) line += e === undefined ? ' | |' : ` ${format(e, eleventy)} | ${(value / e).toFixed(2)} |`;
    if (hugoResult) line += h === undefined ? ' | |' : ` ${format(h, hugoResult)} | ${(value / h).toFixed(2)} |`;
    return line;
  };
  const row = (label, value, format, e, h) => lines.push(`| ${label} | ${format(value, p)} |${other(value, e, h, format)}`);
  if (p) {
    const entries = p.cold.entries;
    row('cold build', p.cold.ms, s, eleventy?.ms, hugoResult?.ms);
    row('CPU time of the cold build (user + system, all threads)', p.cold.cpu, s, eleventy?.cpu, hugoResult?.cpu);
    const repeated = (label, results, of) => {
      const { median, low, high } = spread(results.map(of));
      row(results.length === 1 ? label : `${label}, median of ${results.length} (range)`, median, (v) => (results.length === 1 ? s(v) : `${s(v)} (${s(low)}–${s(high)})`));
    };
    if (p.warms) repeated('warm build, nothing changed', p.warms, (r) => r.ms);
    if (p.pipeline) row('warm build, nothing changed, every stage run (record removed)', p.pipeline.ms, s);
    if (p.edits) {
      repeated('warm build, one episode edited', p.edits, (r) => r.ms);
      repeated('CPU time of that build (user + system, all threads)', p.edits, (r) => r.cpu);
    }
    if (p.dev) {
      const page = summarize(p.dev.page);
      const total = summarize(p.dev.total);
      row(`dev: edited page on disk, median of ${p.dev.page.length} (worst)`, page.median, (v) => `${s(v)} (${s(page.worst)})`);
      row(`dev: home + archive + feed too, median (worst)`, total.median, (v) => `${s(v)} (${s(total.worst)})`);
      row('dev: first build, as it starts', p.dev.firstMs, s);
    }
    row('peak RSS, cold build', p.cold.rss, mb, eleventy?.rss, hugoResult?.rss);
    if (p.warms) row('peak RSS, warm build', Math.max(...p.warms.map((r) => r.rss)), mb);
    row('output size', p.tree.bytes, (v, of) => `${mb(v)}, ${of.tree.files} files`, eleventy?.tree.bytes, hugoResult?.tree.bytes);
    row('cold build per episode', p.cold.ms / entries, (v) => `${v.toFixed(1)} ms`, eleventy && eleventy.ms / archive.files.length, hugoResult && hugoResult.ms / archive.files.length);
    for (const [check, same] of Object.entries(p.identical)) lines.push(`| output identical, ${check} | ${same ? 'yes' : '**NO**'} |${eleventy ? ' | |' : ''}${hugoResult ? ' | |' : ''}`);
  } else {
    // --only without podsite: the others' figures alone, no ratio.
    const cells = (format) => `${eleventy ? ` ${format(eleventy)} | |` : ''}${hugoResult ? ` ${format(hugoResult)} | |` : ''}`;
    lines.push(`| cold build | |${cells((r) => s(r.ms))}`);
    lines.push(`| peak RSS, cold build | |${cells((r) => mb(r.rss))}`);
    lines.push(`| output size | |${cells((r) => `${mb(r.tree.bytes)}, ${r.tree.files} files`)}`);
    lines.push(`| cold build per episode | |${cells((r) => `${(r.ms / archive.files.length).toFixed(1)} ms`)}`);
  }
  return lines.join('\n');
}

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout.trim();
console.log(`podsite ${commit}, Node ${process.version}; flags detected: --jobs ${hasJobs ? 'yes' : 'no'}, --no-cache ${hasNoCache ? 'yes' : 'no'}`);
console.log(`Eleventy: ${hasEleventy ? 'bench/eleventy' : 'not installed (npm --prefix bench/eleventy install)'}; Hugo: ${hasHugo ? hugo.stdout.trim().split(' ').slice(0, 2).join(' ') : 'not found'}`);
const work = await mkdtemp(path.join(tmpdir(), 'podsite-bench-'));
const archives = [...sizes.map(String)];
if (!args['skip-real'] && existsSync(realCorpus)) archives.push('lescastcodeurs');
try {
  for (const name of archives) {
    const archive = await prepare(name, work);
    console.error(`\n${archive.name}: in ${archive.folder}`);
    const p = only.has('podsite') ? await benchPodsite(archive) : undefined;
    const e = hasEleventy ? await benchEleventy(archive) : undefined;
    const h = hasHugo ? await benchHugo(archive) : undefined;
    console.log(`\n### ${archive.name}${p ? `: ${p.cold.pages} pages, ${p.cold.entries} entries built` : ''}\n`);
    console.log(table(archive, p, e, h));
    if (!args.keep) await rm(archive.folder, { recursive: true, force: true });
  }
} finally {
  if (!args.keep) await rm(work, { recursive: true, force: true });
}
