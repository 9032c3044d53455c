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
import { rolldown } from 'rolldown';
import { inputOptions, lib, outputOptions } from './bundle-options.mjs';

// Chunks of an earlier bundle whose names this one no longer uses.
for (const name of await readdir(lib)) {
  if (/^bundle-.*\.js$|\.bundle\.js$/.test(name)) await rm(path.join(lib, name));
}

const bundle = await rolldown(inputOptions);
try {
  await bundle.write(outputOptions);
} finally {
  await bundle.close();
}
