#!/usr/bin/env node
// The CLI bundled with its dependencies (scripts/bundle.mjs), which starts faster than lib/cli.js.
// `npm run compile` makes both; after `tsc` alone (an editor's watch), the bundle would run the code
// before it, so a bundle older than tsc's last build gives way to lib/cli.js.
import { statSync } from 'node:fs';

const modified = (file) => statSync(new URL(file, import.meta.url), { throwIfNoEntry: false })?.mtimeMs;
const bundled = modified('../lib/cli.bundle.js');
const compiled = modified('../lib/.tsbuildinfo');
const fresh = bundled !== undefined && (compiled === undefined || bundled >= compiled);
const { main } = await import(fresh ? '../lib/cli.bundle.js' : '../lib/cli.js');

process.exitCode = await main(process.argv.slice(2));
