/** The scripts podsite starts as worker threads, by their module's name in src/. */
export type WorkerName = 'render-worker' | 'folder-listing-worker';

/**
 * The script of a worker thread, for a module whose URL is `from`:
 * - in the CLI's bundle (lib/*.bundle.js and its lib/bundle-*.js chunks, scripts/bundle.mjs), the
 *   bundled worker, which loads its code from one file instead of a hundred modules;
 * - in lib/, as the TypeScript compiler wrote it, the compiled worker beside it;
 * - under vitest, where the module is in src/ and Node 20 cannot start a worker from TypeScript,
 *   the worker that `npm test` compiled into lib/.
 */
export function workerScript(name: WorkerName, from: string): URL {
  if (from.endsWith('.ts')) return new URL(`../lib/${name}.js`, from);
  if (isBundled(from)) return new URL(`./${name}.bundle.js`, from);
  return new URL(`./${name}.js`, from);
}

/** Whether the module at this URL is part of the CLI's bundle: named as scripts/bundle.mjs names its files. */
export function isBundled(moduleUrl: string): boolean {
  return /\/(?:[^/]+\.bundle|bundle-[^/]+)\.js$/.test(moduleUrl);
}
