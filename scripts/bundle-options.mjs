// The options of the bundle of scripts/bundle.mjs, apart so that tests can bundle the same way.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const lib = fileURLToPath(new URL('../lib/', import.meta.url));
const entries = { cli: 'cli.js', 'render-worker': 'render-worker.js', 'folder-listing-worker': 'folder-listing-worker.js' };

// Packages that dependencies require but podsite never runs, replaced by the modules of
// scripts/not-bundled/ (each says why it is never needed): all the bundled code is read and
// compiled at every start, run or not. lib/cli.js, which tsc alone makes, still loads the packages.
const notBundled = {
  'js-yaml': fileURLToPath(new URL('./not-bundled/js-yaml.cjs', import.meta.url)),
  'source-map': fileURLToPath(new URL('./not-bundled/source-map.cjs', import.meta.url)),
};

/** @type {import('rolldown').InputOptions} */
export const inputOptions = {
  input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(lib, file)])),
  platform: 'node',
  // Node's own modules stay imports; every package is bundled.
  resolve: { alias: notBundled },
  onLog(level, log, handle) {
    // gray-matter evaluates JavaScript front matter with eval, bundled or not: nothing to say.
    if (log.code === 'EVAL') return;
    handle(level, log);
  },
};

/** @type {import('rolldown').OutputOptions} */
export const outputOptions = { dir: lib, format: 'esm', entryFileNames: '[name].bundle.js', chunkFileNames: 'bundle-[name].js', sourcemap: false };
