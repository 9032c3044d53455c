import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { child, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readTree, tempProject } from './helpers.js';

const bin = fileURLToPath(new URL('../bin/podsite.js', import.meta.url));
const EPISODES = 150;
const KILLS = 5;

const settings = (title: string) => MINIMAL_SETTINGS.replace('title: Test Show', `title: ${title}`);

function archive(): Record<string, string> {
  const files: Record<string, string> = { 'podsite.yaml': settings('Before'), 'public/artwork.png': 'not really a png' };
  for (let n = 1; n <= EPISODES; n++) {
    const day = new Date(Date.UTC(2020, 0, n)).toISOString().slice(0, 10);
    const notes = Array.from({ length: 3 }, (_, p) => `Paragraph ${p} of episode ${n}, with a [link](https://example.com/${n}/${p}) and *emphasis*.`).join('\n\n');
    files[`episodes/${day}-episode-${n}.md`] = episodeFile(`title: Episode ${n}\nepisode: ${n}\ntags: [t${n % 7}]\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${n}000\n  duration: 60`, `${notes}\n`);
  }
  return files;
}

/** Runs `podsite build` in `cwd`, killed with SIGKILL after `killAfter` ms when given. */
function runBuild(cwd: string, killAfter?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [bin, 'build'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = killAfter === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfter);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: performance.now() - started, stderr });
    });
  });
}

/** The paths whose bytes differ between two trees (missing on one side included): vitest compares Buffers a byte at a time. */
function differences(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((file) => !a.get(file)?.equals(b.get(file) ?? Buffer.alloc(0)) || !b.has(file)).sort();
}

/** The folders and files that builds leave beside the output folder. */
const besideOutput = async (root: string) => (await readdir(root)).filter((name) => name.startsWith('.dist')).sort();

describe('podsite build killed with SIGKILL', () => {
  it('leaves the previous output whole at any moment, and the next build succeeds and cleans up', { timeout: 180_000 }, async () => {
    const t0 = performance.now();
    const root = await tempProject(archive());
    const first = await runBuild(root);
    expect(first.code).toBe(0);
    // A second site, so that the first waits beside it as the spare that the next builds bring up to date in place.
    await writeFile(path.join(root, 'podsite.yaml'), settings('Between'));
    const between = await runBuild(root);
    expect(between.code).toBe(0);
    expect(await besideOutput(root)).toEqual(['.dist.spare']);
    const previous = await readTree(path.join(root, 'dist'));
    expect(previous.size).toBeGreaterThan(EPISODES);
    // Every page of the next site differs from the previous one.
    await writeFile(path.join(root, 'podsite.yaml'), settings('After'));

    // The first build, made from nothing, costs a little more than the next one (every page differs, but the notes are cached):
    // the kills are spread over most of it, so that the last ones fall near the swap at the end. The second build caps it
    // (the killed builds take up to about half as long again as it does): a first build slowed by a burst of load on the
    // machine once set kills that came after the builds had ended.
    const measured = { ms: Math.min(first.ms * 0.85, between.ms * 1.5) };
    const isNext = (tree: Map<string, Buffer>) => tree.get('index.html')?.toString('utf8').includes('After') === true;
    expect(isNext(previous)).toBe(false);
    /** The new site as a build killed after its swap left it, to compare with the last build's. */
    let next: Map<string, Buffer> | undefined;
    const outcomes: string[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      // Each in its own fifth of the build, at a random place within it.
      const at = Math.round(measured.ms * ((kill + Math.random()) / KILLS));
      const run = await runBuild(root, at);
      const shown = `kill ${kill} at ${at} of ${Math.round(measured.ms)} ms`;
      if (run.signal !== 'SIGKILL') {
        // Ended before the kill: the new site is the output now, and nothing is left to interrupt.
        expect(run.code, `${shown}: ${run.stderr}`).toBe(0);
        outcomes.push(`${shown}: ended first`);
        break;
      }
      const output = path.join(root, 'dist');
      if (!existsSync(output)) {
        // Killed between the two renames of the swap: the previous site waits whole beside it for the next build.
        const aside = (await besideOutput(root)).filter((name) => name.startsWith('.dist.old-'));
        expect(aside, shown).toHaveLength(1);
        expect(differences(await readTree(path.join(root, aside[0]!)), previous), shown).toEqual([]);
        outcomes.push(`${shown}: between the renames`);
        continue;
      }
      const tree = await readTree(output);
      // Killed after the swap, the output is the new site, whole; before it, the previous one untouched.
      if (isNext(tree)) {
        next = tree;
        outcomes.push(`${shown}: after the swap`);
        break;
      }
      expect(differences(tree, previous), shown).toEqual([]);
      outcomes.push(`${shown}: previous output intact, left ${(await besideOutput(root)).join(' ')}`);
    }
    console.log(outcomes.join('\n'));
    expect(outcomes.filter((outcome) => outcome.includes('previous output intact')).length, outcomes.join('\n')).toBeGreaterThanOrEqual(2);

    const last = await runBuild(root);
    console.log(`first ${Math.round(first.ms)} ms, last ${Math.round(last.ms)} ms, total ${Math.round(performance.now() - t0)} ms`);
    expect(last.code, last.stderr).toBe(0);
    const built = await readTree(path.join(root, 'dist'));
    expect(isNext(built)).toBe(true);
    if (next !== undefined) expect(differences(built, next), 'the site a killed build swapped in was whole').toEqual([]);
    // The folders of killed builds are removed by a process of the last build's own, which it does not wait for; the site before the last stays as the spare.
    const settled = async () => (await besideOutput(root)).filter((name) => name !== '.dist.spare');
    for (let wait = 0; wait < 100 && (await settled()).length > 0; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await besideOutput(root)).toEqual(['.dist.spare']);
    expect(JSON.parse(await readFile(path.join(root, 'podsite.lock'), 'utf8'))).toBeTruthy();
  });
});

describe('two podsite build processes on one output at once', () => {
  it('refuses one with output-locked and exit code 1; the other writes the whole site', { timeout: 180_000 }, async () => {
    const root = await tempProject(archive());
    const results = await Promise.all([runBuild(root), runBuild(root)]);
    expect(results.map((result) => result.code).sort()).toEqual([0, 1]);
    const refused = results.find((result) => result.code === 1)!;
    expect(refused.stderr).toContain('output-locked');
    expect(refused.stderr).toContain('another podsite build (process');
    expect(results.find((result) => result.code === 0)!.stderr).not.toContain('output-locked');

    const rss = parseXmlStrict(await readFile(path.join(root, 'dist/feed.xml'), 'utf8'));
    expect(child(rss, 'channel')!.children.filter((element) => element.name === 'item')).toHaveLength(EPISODES);
    for (let n = 1; n <= EPISODES; n++) {
      const day = new Date(Date.UTC(2020, 0, n)).toISOString().slice(0, 10).replaceAll('-', '/');
      expect(existsSync(path.join(root, 'dist', day, `episode-${n}`, 'index.html')), `episode ${n}`).toBe(true);
    }
    expect(await besideOutput(root)).toEqual([]);
  });
});
