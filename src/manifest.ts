import { readFileSync } from 'node:fs';

export interface PodsiteManifest {
  version: string;
  dependencies?: Record<string, string>;
}

let manifest: PodsiteManifest | undefined;
/** podsite's own package.json, read once: the CLI, init and the build cache's key all need it. */
export function podsiteManifest(): PodsiteManifest {
  manifest ??= JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as PodsiteManifest;
  return manifest;
}
