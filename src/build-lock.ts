import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { diagnostic, type Diagnostic } from './diagnostics.js';
import { isRunning } from './remove-later.js';

/** What a lock file says about the build that holds it. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** ISO date. */
  started: string;
  /** `build` or `dev`. */
  command: string;
}

export interface OutputLock {
  /** The lock file, beside the output folder. */
  readonly file: string;
  /** Removes the lock file, if it is still this one's. */
  release(): Promise<void>;
}

/** The lock file of an output folder: beside it, like the staging folders, so that it never ends up in the site. */
export function lockFileOf(outputFolder: string): string {
  return path.join(path.dirname(outputFolder), `.${path.basename(outputFolder)}.lock`);
}

/**
 * Takes the lock of an output folder, or gives the build that holds it. Two builds writing one
 * output at once would each swap in their site and remove the other's staging folder.
 *
 * The lock file is written whole under another name and linked into place: a link fails if the
 * lock exists, so exactly one build gets it, and a reader never sees a half-written lock. A lock
 * whose process is gone (killed, or the machine restarted) is taken over; one taken on another
 * machine cannot be checked and is respected.
 */
export async function lockOutput(outputFolder: string, command: string): Promise<{ lock: OutputLock } | { holder: LockHolder; file: string }> {
  const file = lockFileOf(outputFolder);
  await mkdir(path.dirname(file), { recursive: true });
  const mine: LockHolder = { pid: process.pid, hostname: hostname(), started: new Date().toISOString(), command };
  const text = JSON.stringify(mine);
  const unique = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const written = `${file}.new-${unique}`;
  await writeFile(written, text);
  try {
    // Each round takes the lock, finds it held, removes a stale one, or waits for another build removing it.
    for (let round = 0; round < 100; round++) {
      try {
        await link(written, file);
        await removeDeadCandidates(file, mine.hostname);
        return { lock: ownLock(file, text) };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const found = await readFile(file, 'utf8').catch(() => undefined);
      if (found === undefined) continue;
      const holder = parseHolder(found);
      if (holder !== undefined && (holder.hostname !== mine.hostname || isRunning(holder.pid))) return { holder, file };
      await removeStale(file, found);
    }
    const holder = parseHolder((await readFile(file, 'utf8').catch(() => '')) ?? '');
    return { holder: holder ?? { pid: 0, hostname: '', started: '', command: 'build' }, file };
  } finally {
    await unlink(written).catch(() => undefined);
  }
}

/**
 * Removes the lock candidates (`.dist.lock.new-…`) of processes of this machine that are gone: a
 * build killed between writing its candidate and removing it leaves one beside the output for good.
 * Those of running processes, or written on another machine, may be about to be linked: kept.
 */
async function removeDeadCandidates(file: string, host: string): Promise<void> {
  const prefix = `${path.basename(file)}.new-`;
  const names = await readdir(path.dirname(file)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const candidate = path.join(path.dirname(file), name);
    const holder = parseHolder((await readFile(candidate, 'utf8').catch(() => undefined)) ?? '');
    // Killed while writing it, a build leaves its candidate empty or cut short: its name says whose it was.
    const pid = holder?.pid ?? Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if ((holder === undefined || holder.hostname === host) && Number.isSafeInteger(pid) && pid !== process.pid && !isRunning(pid)) await unlink(candidate).catch(() => undefined);
  }
}

function ownLock(file: string, text: string): OutputLock {
  return {
    file,
    async release() {
      // Only this build's own lock: a lock that was taken over (this process seemed gone) is the other build's now.
      if ((await readFile(file, 'utf8').catch(() => undefined)) === text) await unlink(file).catch(() => undefined);
    },
  };
}

/** A takeover lasts milliseconds: a guard older than this was left by a process that died during one. */
const GUARD_STALE_MS = 10_000;

/**
 * Removes a lock left by a dead process, under a guard that one build at a time holds: moving the
 * lock aside and checking it after would let a third build link its own lock in between, while the
 * lock it moved was a live one. Holding the guard, the lock can change only by being removed,
 * since a link onto an existing file fails; so it is removed only if it is still the stale one.
 * A build that finds the guard taken waits a moment and looks again.
 */
async function removeStale(file: string, stale: string): Promise<void> {
  const guard = `${file}.takeover`;
  try {
    await writeFile(guard, String(process.pid), { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const since = await stat(guard).then((stats) => Date.now() - stats.mtimeMs).catch(() => 0);
    if (since > GUARD_STALE_MS) await unlink(guard).catch(() => undefined);
    else await new Promise((resolve) => setTimeout(resolve, 10));
    return;
  }
  try {
    if ((await readFile(file, 'utf8').catch(() => undefined)) === stale) await unlink(file).catch(() => undefined);
  } finally {
    await unlink(guard).catch(() => undefined);
  }
}

/** The holder a lock file names; an unreadable one (written by hand, or damaged) counts as stale. */
function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return { pid: value.pid, hostname: String(value.hostname ?? ''), started: String(value.started ?? ''), command: String(value.command ?? 'build') };
  } catch {
    return undefined;
  }
}

/** Said of an output folder (as shown, relative to the project) whose lock another podsite holds. */
export function outputLocked(output: string, holder: LockHolder, lockFile: string): Diagnostic {
  return diagnostic(
    output,
    { line: 0, column: 0 },
    'output-locked',
    `another podsite ${holder.command} (process ${holder.pid} on ${holder.hostname || 'an unknown machine'}, started ${holder.started || 'at an unknown time'}) is writing this output folder; nothing was written`,
    `wait for it to end; if no podsite runs there, remove ${lockFile}`,
  );
}
