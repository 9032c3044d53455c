import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { fromHtml } from 'hast-util-from-html';
import { afterAll, describe, expect, it } from 'vitest';
import { build, type BuildResult } from '../src/build.js';
import { RULES } from '../src/rules.js';
import { episodeName, fileStem, frontMatter, hostileText, hostileValues, lineText, markdown, yamlQuoted } from './fuzz-arbitraries.js';
import { MINIMAL_SETTINGS, parseXmlStrict } from './helpers.js';

/**
 * Property-based tests: random front matter, file names and Markdown, each run a whole project
 * built into a temp folder. Whatever the input, the build ends with diagnostics or a site, never an
 * exception; the feed and every other XML file parse strictly; every page parses as HTML with no
 * parse error; nothing changes outside the output folder (and the cache and ledger beside it).
 *
 * The seed is fixed, so a run in CI is the same every time: FUZZ_SEED=<n> picks another, and
 * FUZZ_RUNS=<n> runs more (README.md, "Working on podsite"). A failure prints its seed and path; its input goes
 * to test/fixtures/fuzz/ as a regression, built by the last test here.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);
const NOW = new Date('2026-06-01T12:00:00Z');
/** Each run builds a site; shrinking a failure builds hundreds. */
const TIMEOUT = 60_000 + RUNS * 15_000;

type Files = Record<string, string>;

/** How a run ended, and every promise it broke. */
interface RunReport {
  result?: BuildResult;
  problems: string[];
}

/** Every file and folder under `folder` with its size and time, but those the build may write. */
async function snapshot(folder: string, mayWrite: (relative: string) => boolean): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name);
    const relative = path.relative(folder, file);
    if (mayWrite(relative)) continue;
    const stats = await lstat(file);
    // A folder's time changes when the build adds the output to it; its entries are compared one by one.
    seen.set(relative, stats.isDirectory() ? 'folder' : `${stats.size}:${stats.mtimeMs}`);
  }
  return seen;
}

async function filesUnder(folder: string): Promise<string[]> {
  if (!existsSync(folder)) return [];
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

/** Builds `files` as a project in a fresh temp folder and lists every broken promise. */
async function buildAndCheck(files: Files): Promise<RunReport> {
  const parent = await mkdtemp(path.join(tmpdir(), 'fuzz-run-'));
  const problems: string[] = [];
  try {
    const site = path.join(parent, 'site');
    await mkdir(site);
    // A file beside the project and one in it that the build has no reason to touch.
    await writeFile(path.join(parent, 'beside.txt'), 'not the site');
    for (const [name, contents] of Object.entries(files)) {
      const target = path.join(site, name);
      if (!target.startsWith(site + path.sep)) throw new Error(`a generated file name leaves the project: ${name}`);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, contents);
    }
    const output = path.join(site, 'dist');
    const mayWrite = (relative: string) => {
      const [top, second] = relative.split(path.sep);
      return top === 'site' && (second === 'dist' || second === '.podsite-cache' || second === 'podsite.lock');
    };
    const before = await snapshot(parent, mayWrite);

    let result: BuildResult;
    try {
      result = await build({ cwd: site, jobs: 1, now: NOW });
    } catch (error) {
      problems.push(`internal error: ${(error as Error).stack ?? String(error)}`);
      return { problems };
    }

    for (const d of result.diagnostics) {
      if (!Object.hasOwn(RULES, d.rule)) problems.push(`unknown rule ${d.rule}: ${d.message}`);
      if (!(d.line >= 0 && d.column >= 0)) problems.push(`no position: ${d.file} ${d.rule}`);
    }
    const after = await snapshot(parent, mayWrite);
    for (const [file, state] of after) if (before.get(file) !== state) problems.push(`written outside the output: ${file}`);
    for (const file of before.keys()) if (!after.has(file)) problems.push(`removed outside the output: ${file}`);
    for (const name of readdirSync(site)) if (/^\.dist\.(tmp|old)/.test(name)) problems.push(`staging folder left: ${name}`);

    const written = await filesUnder(output);
    if (!result.ok && written.length > 0) problems.push('a build with errors wrote files');
    if (result.ok && !existsSync(path.join(output, 'feed.xml'))) problems.push('no feed.xml');
    for (const file of written) {
      const name = path.relative(output, file);
      if (!path.resolve(file).startsWith(output + path.sep)) problems.push(`outside the output: ${file}`);
      const text = () => readFile(file, 'utf8');
      if (name.endsWith('.xml')) {
        try {
          parseXmlStrict(await text());
        } catch (error) {
          problems.push(`${name} is not well-formed XML: ${(error as Error).message}`);
        }
      } else if (name.endsWith('.html')) {
        const tree = fromHtml(await text(), {
          onerror: (message) => {
            problems.push(`${name}:${message.line}:${message.column} HTML parse error ${message.ruleId}: ${message.reason}`);
          },
        });
        // Parses without an error, yet nothing after it is markup.
        if (/"tagName":"plaintext"/.test(JSON.stringify(tree))) problems.push(`${name}: a <plaintext> turns the rest of the page into text`);
      } else if (name.endsWith('.json')) {
        try {
          JSON.parse(await text());
        } catch (error) {
          problems.push(`${name} is not JSON: ${(error as Error).message}`);
        }
      }
    }
    return { result, problems };
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

/** Notes with a NUL are binary files, refused before anything else is looked at: most runs go further without. */
const notes = markdown().map((text) => text.replace(/\0/g, '\ufffd'));

const episodeFileText = fc
  .tuple(frontMatter, notes, fc.oneof({ weight: 8, arbitrary: fc.constant('---\n') }, { weight: 1, arbitrary: fc.constantFrom('---\r\n', '\ufeff---\n', '', '---js\n', '---yaml\n', '--- x\n') }))
  .map(([front, body, fence]) => (fence === '' ? body : `${fence}${front}\n${fence.includes('\r') ? '---\r\n' : '---\n'}${body}`));

const settings = fc
  .tuple(fc.constantFrom('keep', 'sanitize'), fc.constantFrom('/:year/:month/:day/:slug/', '/episodes/:slug/', '/:slug/', '/:year/:slug.html'))
  .map(([html, permalink]) => `${MINIMAL_SETTINGS}build:\n  html: ${html}\n  permalink: ${permalink}\n`);

/** The show's own texts, which every page and the feed's channel carry. */
const hostileSettings = fc
  .tuple(settings, hostileText(30), hostileText(30), lineText(20), lineText(20))
  .map(([yaml, title, description, author, owner]) =>
    yaml
      .replace('title: Test Show', `title: ${yamlQuoted(`Show ${title}`)}`)
      .replace('description: A show made for tests.', `description: ${yamlQuoted(`About ${description}`)}`)
      .replace('author: Test Author', `author: ${yamlQuoted(`By ${author}`)}`)
      .replace('owner:\n', `owner:\n  name: ${yamlQuoted(`Owner ${owner}`)}\n`),
  );

const person = fc.tuple(fileStem, hostileText(20), fc.constantFrom('host', 'guest', 'producer', 'x')).map(([stem, name, role]) => ({
  [`people/${stem}.md`]: `---\nname: ${yamlQuoted(name)}\nrole: ${role}\n---\nBio ${name.replace(/\0/g, '')}\n`,
}));

const page = fc.tuple(fileStem, lineText(20), notes).map(([stem, title, body]) => ({ [`pages/${stem}.md`]: `---\ntitle: ${yamlQuoted(title)}\n---\n${body}` }));

const project: fc.Arbitrary<Files> = fc
  .tuple(settings, fc.uniqueArray(fc.tuple(episodeName, episodeFileText), { minLength: 1, maxLength: 3, selector: ([name]) => name }), fc.option(person), fc.option(page))
  .map(([yaml, episodes, people, pages]) => ({
    'podsite.yaml': yaml,
    ...Object.fromEntries(episodes.map(([name, text]) => [`episodes/${name}`, text])),
    ...people,
    ...pages,
  }));

/** Runs a property over `arbitrary`; a failure names the seed and shows the files that broke it. */
async function check(name: string, arbitrary: fc.Arbitrary<Files>, runs = RUNS): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arbitrary, async (files) => {
      const { problems, result } = await buildAndCheck(files);
      const counts = (outcomes[name] ??= { built: 0, refused: 0, thrown: 0 });
      counts[result === undefined ? 'thrown' : result.ok ? 'built' : 'refused']++;
      for (const d of result?.diagnostics ?? []) {
        if (d.severity !== 'error') continue;
        errorRules.set(d.rule, (errorRules.get(d.rule) ?? 0) + 1);
        if (process.env.FUZZ_VERBOSE) console.log(d.rule, d.file, d.line, d.message.slice(0, 100));
      }
      if (problems.length > 0) throw new Error(`${problems.slice(0, 5).join('\n')}\nfiles: ${JSON.stringify(files)}`);
    }),
    { seed: SEED, numRuns: runs, endOnFailure: process.env.FUZZ_SHRINK === undefined },
  );
}

/** How the runs ended, printed with FUZZ_VERBOSE=1: a generator whose every run is refused tests little. */
const errorRules = new Map<string, number>();
const outcomes: Record<string, { built: number; refused: number; thrown: number }> = {};
afterAll(() => {
  if (process.env.FUZZ_VERBOSE) console.log(`fuzz outcomes (seed ${SEED}, ${RUNS} runs a property):`, outcomes, 'errors:', errorRules);
});

describe('fuzz: hostile projects never break the build, the output or the machine', () => {
  it(`random front matter, file names and Markdown (${RUNS} runs, seed ${SEED})`, async () => {
    await check('projects', project);
  }, TIMEOUT);

  it(`hostile texts in valid front matter, people and pages (${RUNS} runs, seed ${SEED})`, async () => {
    const values = fc
      .tuple(hostileSettings, fc.uniqueArray(fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,12}$/), hostileValues, notes), { minLength: 1, maxLength: 3, selector: ([name]) => name }), hostileText(20), lineText(20), notes)
      .map(([yaml, episodes, name, title, body]) => ({
        'podsite.yaml': yaml,
        ...Object.fromEntries(episodes.map(([stem, front, text]) => [`episodes/2024-01-01-${stem}.md`, `---\n${front}\n---\n${text}`])),
        'people/ann.md': `---\nname: ${yamlQuoted(`Ann ${name}`)}\nrole: guest\n---\n${body}`,
        'pages/about.md': `---\ntitle: ${yamlQuoted(`About ${title}`)}\n---\n${body}`,
      }));
    await check('values', values);
  }, TIMEOUT);

  it(`random Markdown in one plain episode (${RUNS} runs, seed ${SEED})`, async () => {
    const plain = fc.tuple(settings, notes).map(([yaml, body]) => ({
      'podsite.yaml': yaml,
      'episodes/2024-01-01-a.md': `---\ntitle: A\naudio:\n  url: https://media.example.com/a.mp3\n  length: 1\n---\n${body}`,
    }));
    await check('markdown', plain);
  }, TIMEOUT);

  const fixtures = fileURLToPath(new URL('./fixtures/fuzz/', import.meta.url));
  const kept = existsSync(fixtures) ? readdirSync(fixtures).filter((name) => name.endsWith('.json')).sort() : [];
  it.each(kept)('regression: %s', async (name) => {
    const fixture = JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as { files: Files; errors?: [string, string][] };
    const { problems, result } = await buildAndCheck(fixture.files);
    expect(problems).toEqual([]);
    if (fixture.errors) expect(result!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.file, d.rule])).toEqual(fixture.errors);
  });
});
