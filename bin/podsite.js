#!/usr/bin/env node
// The CLI bundled with its dependencies (scripts/bundle.mjs): it starts faster than lib/cli.js.
import { main } from '../lib/cli.bundle.js';

process.exitCode = await main(process.argv.slice(2));
