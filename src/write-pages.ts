import type { Settings } from './config.js';
import type { Diagnostic, Result } from './diagnostics.js';
import type { TemplateFile } from './load.js';
import { renderSpecs, type PageSpec, type SiteChrome } from './pages.js';
import { linkablePages, type KeptFile } from './link-pages.js';
import type { Renderer } from './templates.js';
import type { StagingFolder } from './write.js';

/**
 * Pages rendered at a time before they are written: enough to keep the disk busy, few enough that
 * memory holds one batch of pages and not the archive's whole HTML (20,000 pages are 300 MB).
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
  const written: string[] = [];
  const rendered: string[] = [];
  for (let start = 0; start < specs.length; start += PAGE_BATCH) {
    let toRender = specs.slice(start, start + PAGE_BATCH);
    if (previous !== undefined) {
      const linked = await staging.linkFrom(linkablePages(toRender, previous));
      // A page that could not be linked (a file system without hard links) is rendered.
      if (linked.size > 0) toRender = toRender.filter((spec) => !linked.has(spec.output));
      for (const file of linked) written.push(file);
    }
    const batch = renderSpecs(settings, renderer, templates, toRender, undefined, chrome);
    rendered.push(...batch.rendered);
    // One diagnostic for a template, as `renderSpecs` gives, not one per batch.
    for (const found of batch.diagnostics) {
      if (!diagnostics.some((d) => d.file === found.file && d.message === found.message)) diagnostics.push(found);
    }
    await staging.writeFiles(batch.value);
    for (const file of batch.value) written.push(file.path);
    onBatch?.(written.length);
  }
  return { value: written, diagnostics, rendered };
}
