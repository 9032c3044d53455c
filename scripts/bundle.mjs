// The CLI and its worker threads, each bundled with its dependencies into lib/ (after `tsc`):
// Node 20 spent 0.3 to 0.6 s of every build resolving, reading and linking the hundreds of
// modules of lib/ and node_modules one by one, and a worker thread as long again before it
// rendered its first note. The library (lib/index.js) stays as tsc wrote it.
//
// Every file is written into lib/ itself, never a folder below it: the code finds the default
// theme, package.json and the worker scripts relative to its own module (import.meta.url).
// src/worker-script.ts knows these names.
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';

const lib = fileURLToPath(new URL('../lib/', import.meta.url));
const entries = { cli: 'cli.js', 'render-worker': 'render-worker.js', 'folder-listing-worker': 'folder-listing-worker.js' };

// Chunks of an earlier bundle whose names this one no longer uses.
for (const name of await readdir(lib)) {
  if (/^bundle-.*\.js$|\.bundle\.js$/.test(name)) await rm(path.join(lib, name));
}

const bundle = await rolldown({
  input: Object.fromEntries(Object.entries(entries).map(([name, file]) => [name, path.join(lib, file)])),
  platform: 'node',
  // Node's own modules stay imports; every package is bundled.
  onLog(level, log, handle) {
    // gray-matter evaluates JavaScript front matter with eval, bundled or not: nothing to say.
    if (log.code === 'EVAL') return;
    handle(level, log);
  },
});
try {
  await bundle.write({ dir: lib, format: 'esm', entryFileNames: '[name].bundle.js', chunkFileNames: 'bundle-[name].js', sourcemap: false });
} finally {
  await bundle.close();
}
