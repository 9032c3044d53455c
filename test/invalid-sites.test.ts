import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { RULES } from '../src/rules.js';
import { fetchThroughLocalHost, type AudioHost } from './audio-host.js';

/**
 * One small site per rule under test/fixtures/invalid/<rule>/, with expected.json listing every
 * diagnostic its build must give, exactly: file, line, column, severity and rule.
 */
const fixtures = fileURLToPath(new URL('./fixtures/invalid/', import.meta.url));
const names = readdirSync(fixtures).filter((name) => existsSync(path.join(fixtures, name, 'expected.json'))).sort();
const NOW = new Date('2026-06-01T12:00:00Z');

/** Rules a fixture in git cannot show, and where they are tested instead. */
const TESTED_ELSEWHERE = {
  // Git keeps no file mode but the executable bit, and root reads any file: the test runs podsite as another user.
  'unreadable-file': 'test/cli-manners.test.ts, "says which episode cannot be read"',
};

interface Expected {
  /** What the fixture shows, for people reading it. */
  about: string;
  diagnostics: { file: string; line: number; column: number; severity: string; rule: string }[];
  /** Output folder relative to the fixture, when the fixture is about the output folder. */
  output?: string;
  /**
   * For the rules of `--probe-audio`: the build asks the host of `origin`, played by a server on
   * 127.0.0.1 that serves the fixture's `host/` folder and refuses what `refuse` says.
   */
  audioHost?: { origin: string; refuse?: ('HEAD' | 'ranges')[] };
  /**
   * The fixture's `cache/` folder is the build cache the build finds (a copy of it: the build writes
   * the cache anew); diagnostics name it `.podsite-cache/`, as in a real project.
   */
  cache?: boolean;
  /**
   * The fixture's `beside/` folder is copied beside the output folder (a copy: the build may move
   * what it finds there, such as what a killed build left); diagnostics name the output `site`.
   */
  beside?: boolean;
}

const temps: string[] = [];
const hosts: AudioHost[] = [];
afterEach(async () => {
  await Promise.all(temps.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

describe('invalid fixture sites', () => {
  it.each(names)('%s', async (name) => {
    const cwd = path.join(fixtures, name);
    const expected = JSON.parse(readFileSync(path.join(cwd, 'expected.json'), 'utf8')) as Expected;
    const temp = await mkdtemp(path.join(tmpdir(), `podsite-${name}-`));
    temps.push(temp);
    const output = expected.output ?? path.join(temp, 'site');
    // The build keeps the GUID ledger up to date: it works on a copy, so that the fixture stays as it is.
    const ledger = path.join(temp, 'podsite.lock');
    if (existsSync(path.join(cwd, 'podsite.lock'))) await copyFile(path.join(cwd, 'podsite.lock'), ledger);
    const ledgerBefore = existsSync(ledger) ? readFileSync(ledger, 'utf8') : undefined;
    // Facts learnt about audio are kept in the temp folder, never beside the fixture.
    const probeAudio = expected.audioHost && { fetch: await fetchThroughLocalHost(path.join(cwd, 'host'), expected.audioHost, hosts) };
    const cacheFolder = path.join(temp, 'cache');
    if (expected.cache) await cp(path.join(cwd, 'cache'), cacheFolder, { recursive: true });
    if (expected.beside) await cp(path.join(cwd, 'beside'), temp, { recursive: true });
    const result = await build({ cwd, output, now: NOW, ledger, cacheFolder, ...(probeAudio && { probeAudio }) });
    const ledgerFile = path.relative(cwd, ledger);
    const cacheFiles = `${path.relative(cwd, cacheFolder).split(path.sep).join('/')}/`;
    const besideFiles = `${path.relative(cwd, temp).split(path.sep).join('/')}/`;
    const shown = (file: string) =>
      file === ledgerFile ? 'podsite.lock' : file.startsWith(cacheFiles) ? `.podsite-cache/${file.slice(cacheFiles.length)}` : expected.beside && file.startsWith(besideFiles) ? file.slice(besideFiles.length) : file;
    const found = result.diagnostics.map(({ file, line, column, severity, rule }) => ({ file: shown(file), line, column, severity, rule }));
    expect(found).toEqual(expected.diagnostics);
    expect(found.some((d) => d.rule === name), `the fixture ${name} shows its own rule`).toBe(true);
    if (expected.beside) expect(readdirSync(temp).filter((name) => name.startsWith('.site.old-')), 'what was aside is the output again').toEqual([]);
    if (found.some((d) => d.severity === 'error')) {
      expect(result.ok).toBe(false);
      expect(existsSync(path.join(temp, 'site')), 'a build with errors writes nothing').toBe(false);
      expect(existsSync(ledger) ? readFileSync(ledger, 'utf8') : undefined, 'nor the ledger').toBe(ledgerBefore);
    }
  });

  it('has a fixture for every rule', () => {
    expect(Object.keys(RULES).filter((rule) => !names.includes(rule) && !Object.hasOwn(TESTED_ELSEWHERE, rule))).toEqual([]);
  });
});
