import { diagnostic, type Diagnostic } from './diagnostics.js';
import type { RuleId } from './rules.js';
import type { EpisodeSource } from './episode.js';

/**
 * Checks that need the whole archive: what is unique per file is checked when the file is parsed.
 * Runs on published entries only, so a draft does not clash with the episode it will replace.
 */
export function validateArchive(entries: readonly EpisodeSource[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  // Oldest first, so the later file is the one reported: it is usually the one with the mistake.
  const oldestFirst = [...entries].sort((a, b) => a.date.getTime() - b.date.getTime() || a.file.localeCompare(b.file));
  const findDuplicates = (
    key: (entry: EpisodeSource) => string | undefined,
    field: string,
    rule: RuleId,
    describe: (value: string, first: EpisodeSource) => string,
    hint: string,
  ) => {
    const seen = new Map<string, EpisodeSource>();
    for (const entry of oldestFirst) {
      const value = key(entry);
      if (value === undefined) continue;
      const first = seen.get(value);
      if (first === undefined) {
        seen.set(value, entry);
        continue;
      }
      const position = entry.positions.get(field) ?? { line: 1, column: 1 };
      diagnostics.push(diagnostic(entry.file, position, rule, describe(value, first), hint));
    }
  };
  findDuplicates(
    (e) => e.guid,
    'guid',
    'duplicate-guid',
    (guid, first) => `the guid \`${guid}\` is also the guid of ${first.file}`,
    'podcast apps would show only one of them; give each episode its own guid',
  );
  findDuplicates(
    (e) => e.audio?.url,
    'audio.url',
    'duplicate-audio-url',
    (url, first) => `the audio URL \`${url}\` is also used by ${first.file}`,
    'Apple Podcasts ignores an episode whose audio URL another episode already has',
  );
  findDuplicates(
    (e) => (e.number === undefined || e.episodeType !== 'full' ? undefined : `${e.season ?? ''}/${e.number}`),
    'episode',
    'duplicate-episode-number',
    (key, first) => `episode number ${key.split('/')[1]}${first.season === undefined ? '' : ` of season ${first.season}`} is also the number of ${first.file}`,
    'check the `episode:` number',
  );
  return diagnostics;
}
