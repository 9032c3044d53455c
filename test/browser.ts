import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, type BuildResult } from '../src/build.js';

/** What the browser tests share: Debian's Chromium, and the sample podcast built into a temp folder. */
export const CHROMIUM = '/usr/bin/chromium';

/** Whether Chromium is here; when it is not, says which tests are skipped and how to get it. */
export function chromiumPresent(what: string): boolean {
  const present = existsSync(CHROMIUM);
  if (!present) console.warn(`Skipping ${what}: ${CHROMIUM} is absent (apt-get install chromium; .ci/run installs it).`);
  return present;
}

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', ...extraArgs],
  });
}

const repository = fileURLToPath(new URL('..', import.meta.url));

/**
 * The repository's sample podcast built into a new temp folder, with a copy of the committed
 * ledger so that the build does not rewrite it; `remove` deletes both.
 */
export async function buildSample(prefix: string): Promise<{ output: string; result: BuildResult; remove: () => Promise<void> }> {
  const output = await mkdtemp(path.join(tmpdir(), prefix));
  await copyFile(path.join(repository, 'podsite.lock'), `${output}.lock`);
  const result = await build({ cwd: repository, output, ledger: `${output}.lock` });
  return { output, result, remove: () => Promise.all([rm(output, { recursive: true, force: true }), rm(`${output}.lock`, { force: true })]).then(() => undefined) };
}
