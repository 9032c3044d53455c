import { neighboursOf, setNeighbours, toEpisode } from './assemble.js';
import type { BuildCache, CachedFile } from './cache.js';
import { applyRuleSettings, hasErrors } from './diagnostics.js';
import { notesDiagnostics, parseEntry, renderNotes, stampEntry } from './entry.js';
import { readSourceFile } from './load.js';
import { loadMarkdownEngine } from './markdown-engine.js';
import { attachFiles, attachmentContext } from './attachments.js';
import { entryPageSpec, renderSpecs, type OutputFile } from './pages.js';
import { castOf } from './people.js';
import type { Episode } from './site.js';

/**
 * The fast path of `podsite dev`, taken before the rebuild. When a save changed entries that are
 * already on the site and left each where it was (same address, date, draft state, and the
 * numbers, GUID and audio the archive checks compare), with no error in the file, each entry keeps
 * its neighbours: its page can be made from the last good build at once, without the passes over
 * the whole archive. The rebuild that follows finds these pages made, and makes any of them again
 * if what it learns says otherwise.
 */
export async function renderEditedPages(cache: BuildCache, root: string, files: Iterable<string>, now: Date): Promise<OutputFile[] | undefined> {
  await loadMarkdownEngine();
  const last = cache.lastGood;
  if (last === undefined) return undefined;
  const { settings, rules } = last;
  const edited: { absolutePath: string; memo: Required<Pick<CachedFile, 'source' | 'parsed' | 'notes' | 'cast' | 'entry'>> }[] = [];
  for (const absolutePath of files) {
    const before = cache.files.get(absolutePath)?.entry;
    if (before === undefined) return undefined;
    // A save may be a removal, or the first half of a rename: a file that is gone is the rebuild's.
    const read = await readSourceFile(root, absolutePath, 'episode', true, settings.limits).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (read?.source === undefined) return undefined;
    const parsed = parseEntry(read.source, settings);
    const { episode } = parsed;
    if (episode === undefined || hasErrors(applyRuleSettings(parsed.diagnostics, rules))) return undefined;
    const notes = renderNotes(episode, settings);
    if (hasErrors(applyRuleSettings(notesDiagnostics(episode, notes, settings), rules))) return undefined;
    const cast = castOf(episode, last.people);
    if (hasErrors(applyRuleSettings(cast.diagnostics, rules))) return undefined;
    const entry = stampEntry(toEpisode(settings, episode, notes, cast.value), now);
    // The same transcripts as the rebuild will find, so that it finds this page made from the same key.
    if (hasErrors(applyRuleSettings(attachFiles([entry], attachmentContext(settings, root, cache.listing?.others ?? new Set(), cache)), rules))) return undefined;
    if (!keepsItsPlace(before, entry)) return undefined;
    setNeighbours(entry, neighboursOf(before));
    edited.push({ absolutePath, memo: { source: read.source, parsed, notes, cast, entry } });
  }
  if (edited.length === 0) return undefined;

  const specs = edited.map(({ memo }) => entryPageSpec(settings, memo.entry));
  const rendered = renderSpecs(settings, last.renderer, last.templates, specs, undefined, last.chrome);
  if (rendered.diagnostics.length > 0) return undefined;
  specs.forEach((spec, index) => cache.pages.set(spec.output, { key: spec.key, file: rendered.value[index]! }));
  for (const { absolutePath, memo } of edited) cache.files.set(absolutePath, memo);
  return rendered.value;
}

/** Whether an edited entry stays where it was in the archive, and the archive checks see what they saw. */
function keepsItsPlace(before: Episode, after: Episode): boolean {
  return (
    before.outputFile === after.outputFile &&
    before.date.getTime() === after.date.getTime() &&
    before.draft === after.draft &&
    before.kind === after.kind &&
    before.future === after.future &&
    before.guid === after.guid &&
    before.number === after.number &&
    before.season === after.season &&
    before.episodeType === after.episodeType &&
    before.audio?.url === after.audio?.url &&
    before.audio?.length === after.audio?.length
  );
}
