import type { ImportedEpisode } from './read-feed.js';
import { titleSlug } from '../scaffold/slug.js';

export interface EpisodeFile {
  /** `YYYY-MM-DD-slug.md`, the day as the feed wrote it. */
  name: string;
  text: string;
  episode: ImportedEpisode;
}

/**
 * One Markdown file per episode, named like the sample's (`2025-03-18-the-humble-brick.md`).
 * The slug is what podsite makes the page address of, so two episodes with one title (two
 * "Trailer"s) get `-2`, `-3`… in the order of their dates, oldest first, whatever the feed's order.
 */
export function episodeFiles(episodes: readonly ImportedEpisode[]): EpisodeFile[] {
  const oldestFirst = [...episodes].sort((a, b) => a.date.instant.getTime() - b.date.instant.getTime() || a.guid.localeCompare(b.guid));
  const taken = new Set<string>();
  return oldestFirst.map((episode) => {
    const base = titleSlug(episode.title, 'episode');
    let slug = base;
    for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
    taken.add(slug);
    return { name: `${dayOf(episode.date)}-${slug}.md`, text: episodeText(episode), episode };
  });
}

function dayOf({ instant, offsetMinutes }: ImportedEpisode['date']): string {
  return new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** The date with the offset the feed gave it, which podsite reads as that exact instant. */
function dateText({ instant, offsetMinutes }: ImportedEpisode['date']): string {
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** JSON strings are YAML double-quoted scalars: every character survives, whatever the title holds. */
const quoted = (value: string) => JSON.stringify(value);

export function episodeText(episode: ImportedEpisode): string {
  const { audio } = episode;
  const lines = [
    '---',
    `title: ${quoted(episode.title)}`,
    `date: ${quoted(dateText(episode.date))}`,
    '# The GUID from the old feed: podcast apps know the episode by it. Never change it.',
    `guid: ${quoted(episode.guid)}`,
    ...(episode.season === undefined ? [] : [`season: ${episode.season}`]),
    ...(episode.episode === undefined ? [] : [`episode: ${episode.episode}`]),
    ...(episode.type === undefined || episode.type === 'full' ? [] : [`type: ${episode.type}`]),
    ...(episode.description === undefined ? [] : [`description: ${quoted(episode.description)}`]),
    'audio:',
    `  url: ${quoted(audio.url)}`,
    ...(audio.length === undefined ? [] : [`  length: ${audio.length}`]),
    ...(audio.type === undefined ? [] : [`  type: ${quoted(audio.type)}`]),
    ...(audio.duration === undefined ? [] : [`  duration: ${typeof audio.duration === 'number' ? audio.duration : quoted(audio.duration)}`]),
    ...(episode.image === undefined ? [] : [`image: ${quoted(episode.image)}`]),
    ...(episode.explicit === undefined ? [] : [`explicit: ${episode.explicit}`]),
    '---',
  ];
  return `${lines.join('\n')}\n${episode.notes}`;
}
