import type { Settings } from './config.js';
import type { Diagnostic, Result } from './diagnostics.js';
import type { TemplateFile } from './load.js';
import { renderSpecs, type PageSpec, type SiteChrome } from './pages.js';
import { linkablePages, type KeptFile } from './link-pages.js';
import type { Renderer } from './templates.js';
import type { StagingFolder } from './write.js';

/**
 * Pages rendered at a time before they are written: enough to keep the disk busy, few enough that
 * memory holds two batches of pages (one rendering, one writing) and not the archive's whole HTML
 * (20,000 pages are 300 MB).
 */
export const PAGE_BATCH = 256;

/**
 * The pages of `specs`, rendered a batch at a time, each batch written to the staging folder and
 * then dropped. Says the same as `renderSpecs` of all of them, but gives the paths written
 * instead of the pages; `rendered` leaves out those taken from the last build.
 */
export async function writePages(
  staging: StagingFolder,
  settings: Settings,
  renderer: Renderer,
  templates: ReadonlyMap<string, TemplateFile>,
  specs: readonly PageSpec[],
  chrome: SiteChrome,
  /** The file of the same page in the last build's output, when what it is made from did not change: linked, never read. */
  previous?: (spec: PageSpec) => KeptFile | undefined,
  /** Told the number of pages written so far after each batch. */
  onBatch?: (written: number) => void,
): Promise<Result<string[]> & { rendered: string[] }> {
  const diagnostics: Diagnostic[] = [];
  // The paths of each batch, in the order of the specs: linked ones, then written ones.
  const batches: string[][] = [];
  const rendered: string[] = [];
  let done = 0;
  // A batch is written while the next one renders: the disk and the processor work at once. Its
  // failure is kept by the staging folder or thrown here, at the next batch or at the end.
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < specs.length; start += PAGE_BATCH) {
    let toRender = specs.slice(start, start + PAGE_BATCH);
    const paths: string[] = [];
    batches.push(paths);
    if (previous !== undefined) {
      const linked = await staging.linkFrom(linkablePages(toRender, previous));
      // A page that could not be linked (a file system without hard links) is rendered.
      if (linked.size > 0) toRender = toRender.filter((spec) => !linked.has(spec.output));
      for (const file of linked) paths.push(file);
    }
    const batch = renderSpecs(settings, renderer, templates, toRender, undefined, chrome);
    rendered.push(...batch.rendered);
    // One diagnostic for a template, as `renderSpecs` gives, not one per batch.
    for (const found of batch.diagnostics) {
      if (!diagnostics.some((d) => d.file === found.file && d.message === found.message)) diagnostics.push(found);
    }
    await writing;
    writing = staging.writeFiles(batch.value).then(() => {
      for (const file of batch.value) paths.push(file.path);
      done += paths.length;
      onBatch?.(done);
    });
    // Awaited later: meanwhile a failure must not count as unhandled.
    writing.catch(() => undefined);
  }
  await writing;
  return { value: batches.flat(), diagnostics, rendered };
}
