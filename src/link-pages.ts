import type { PageSpec } from './pages.js';

/** A file of the last build's output, found unchanged: where it is, and which file it is there. */
export interface KeptFile {
  /** The absolute path of the previous file. */
  from: string;
  /** Its inode and device, as looked at when it was found: a link to it is known without looking again. */
  ino: number;
  dev: number;
}

/** A file of the last build's output that the staging folder takes as it is, by its path in the new output. */
export interface LinkedFile extends KeptFile {
  path: string;
}

/** The pages of `specs` whose file the last build left unchanged, to link instead of rendering. */
export function linkablePages(specs: readonly PageSpec[], previous: (spec: PageSpec) => KeptFile | undefined): LinkedFile[] {
  const found: LinkedFile[] = [];
  for (const spec of specs) {
    const kept = previous(spec);
    if (kept !== undefined) found.push({ path: spec.output, ...kept });
  }
  return found;
}
