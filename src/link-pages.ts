import type { PageSpec } from './pages.js';

/** A file of the last build's output that the staging folder takes as it is, by its path in the new output. */
export interface LinkedFile {
  path: string;
  /** The absolute path of the previous file. */
  from: string;
}

/** The pages of `specs` whose file the last build left unchanged, to link instead of rendering. */
export function linkablePages(specs: readonly PageSpec[], previous: (spec: PageSpec) => string | undefined): LinkedFile[] {
  const found: LinkedFile[] = [];
  for (const spec of specs) {
    const from = previous(spec);
    if (from !== undefined) found.push({ path: spec.output, from });
  }
  return found;
}
