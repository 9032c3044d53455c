import { createHash } from 'node:crypto';
import { nameProblem } from './contain.js';
import type { Person } from './people.js';
import { foldName } from './people.js';
import { outputFileOf } from './permalink.js';
import type { Episode, Site } from './site.js';
import { withLazyKey, type PageSpec } from './pages.js';
import { entryWith } from './spilled-entry.js';
import type { Strings } from './templates.js';
import { compareText } from './text.js';

/** What a list page says about the page itself; pages.ts adds the canonical URL. */
export type PageOf = (info: { title: string; description: string; path: string }) => object;

const keysOf = (entries: readonly Episode[]) => entries.map((entry) => entry.key).join('|');
const say = (strings: Strings, key: string, fallback: string, ...args: (string | number)[]) =>
  (strings[key] ?? fallback).replace(/\{(\d+)\}/g, (_, index: string) => String(args[Number(index)] ?? ''));

export const personPath = (person: Pick<Person, 'id'>) => `/people/${person.id}/`;

/**
 * A tag's address: accents folded, lower case, only `a-z`, `0-9` and `-`, so that it is safe in
 * any URL and on any file system. A tag with none of those characters (`日本`) gets a short hash.
 */
export function tagSlug(tag: string): string {
  const slug = foldName(tag)
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const hash = () => createHash('sha256').update(tag.normalize('NFC')).digest('hex').slice(0, 8);
  if (slug === '') return `tag-${hash()}`;
  // A folder name has at most 255 bytes; a tag that long is a sentence, told apart from its neighbours by the hash.
  if (slug.length > MAX_TAG_SLUG) return `${slug.slice(0, MAX_TAG_SLUG - 9).replace(/-+$/, '')}-${hash()}`;
  // `con`, `aux`, `lpt1`… cannot be folder names on Windows.
  return nameProblem(slug) === undefined ? slug : `${slug}-tag`;
}

/** Characters of a tag's address, at most. */
export const MAX_TAG_SLUG = 100;

export const tagPath = (tag: string) => `/tags/${tagSlug(tag)}/`;

/** A picture the site serves itself; a picture elsewhere is never shown (no request to another host). */
export const ownImage = (person: Person) => (person.image?.startsWith('/') ? person.image : undefined);

/** A person as pages show them: their address, their picture if the site has it, and their links. */
export function personView(person: Person, strings: Strings) {
  return {
    id: person.id,
    name: person.name,
    role: person.role,
    // Roles beyond the cast's (`producer`, `editor`…) are shown as the taxonomy writes them.
    roleLabel: strings[`role-${person.role}`] ?? person.role,
    alumni: person.alumni,
    path: personPath(person),
    image: ownImage(person),
    html: person.html,
    text: person.text,
    links: [
      ...(person.link !== undefined ? [{ labelKey: 'person-link', url: person.link }] : []),
      ...(person.website !== undefined && person.website !== person.link ? [{ labelKey: 'person-website', url: person.website }] : []),
      ...(person.blog !== undefined && person.blog !== person.link ? [{ labelKey: 'person-blog', url: person.blog }] : []),
      ...(person.twitter !== undefined ? [{ labelKey: 'person-twitter', url: `https://twitter.com/${encodeURIComponent(person.twitter)}`, handle: person.twitter }] : []),
    ],
  };
}

/**
 * The hosts or guests of an entry as written, each linked to their person page when the people
 * folder has them; a name found nowhere is shown as written.
 */
export function castLinks(written: readonly string[], found: readonly Person[]): { name: string; path: string | undefined }[] {
  return written.map((name) => {
    const key = foldName(name);
    const matches = found.filter((person) => foldName(person.id) === key || foldName(person.name) === key);
    const person = matches.find((candidate) => candidate.id === name) ?? (matches.length === 1 ? matches[0] : undefined);
    return person === undefined ? { name, path: undefined } : { name: person.name, path: personPath(person) };
  });
}

/** The tags of an entry, each with the address of its page. */
export const tagLinks = (tags: readonly string[]) => tags.map((name) => ({ name, path: tagPath(name) }));

/** Who is on the team page, and in which section. */
export function teamOf(people: readonly Person[]) {
  const byName = (a: Person, b: Person) => compareText(a.name, b.name);
  const isHost = (person: Person) => person.role === 'host' || person.role === 'co-host';
  return {
    hosts: people.filter((person) => !person.alumni && isHost(person)).sort(byName),
    crew: people.filter((person) => !person.alumni && !isHost(person) && person.role !== 'guest').sort(byName),
    alumni: people.filter((person) => person.alumni).sort(byName),
    guests: people.filter((person) => !person.alumni && person.role === 'guest').sort(byName),
  };
}

/** Person pages and the team page. A person page depends on the person and the entries they are in. */
export function peopleSpecs(site: Site, strings: Strings, page: PageOf): PageSpec[] {
  const { settings } = site;
  if (site.people.length === 0) return [];
  const specs: PageSpec[] = [];
  for (const person of site.people) {
    // By id: a rebuild in `podsite dev` may hold entries made with an earlier read of the same person.
    const isThem = (other: Person) => other.id === person.id;
    const hosted = (entry: Episode) => entry.people.hosts.some(isThem);
    const entries = site.entries.filter((entry) => hosted(entry) || entry.people.guests.some(isThem));
    const path = personPath(person);
    specs.push(withLazyKey({
      path,
      output: outputFileOf(path),
      template: 'person',
      context: () => ({
        page: page({ title: `${person.name} · ${settings.title}`, description: person.text || person.name, path }),
        person: personView(person, strings),
        entries: entries.map((entry) => entryWith(entry, { asGuest: !hosted(entry) })),
      }),
    }, () => `${JSON.stringify(person)}|${keysOf(entries)}`));
  }
  const team = teamOf(site.people);
  const view = (people: Person[]) => people.map((person) => personView(person, strings));
  specs.push({
    path: '/people/',
    output: outputFileOf('/people/'),
    template: 'people',
    key: JSON.stringify(site.people),
    context: () => ({
      page: page({ title: `${say(strings, 'people', 'People')} · ${settings.title}`, description: settings.description, path: '/people/' }),
      hosts: view(team.hosts),
      crew: view(team.crew),
      alumni: view(team.alumni),
      guests: view(team.guests),
    }),
  });
  return specs;
}

/** Entries by tag page: tags that fold to the same slug share a page, named with each spelling. */
export function tagGroups(entries: readonly Episode[]): { slug: string; names: string[]; entries: Episode[] }[] {
  const groups = new Map<string, { slug: string; names: string[]; entries: Episode[] }>();
  for (const entry of entries) {
    const seen = new Set<string>();
    for (const tag of entry.tags) {
      const slug = tagSlug(tag);
      let group = groups.get(slug);
      if (group === undefined) groups.set(slug, (group = { slug, names: [], entries: [] }));
      if (!group.names.includes(tag)) group.names.push(tag);
      if (!seen.has(slug)) group.entries.push(entry);
      seen.add(slug);
    }
  }
  return [...groups.values()]
    .map((group) => ({ ...group, names: group.names.sort(compareText) }))
    .sort((a, b) => compareText(a.names[0]!, b.names[0]!));
}

/** A page per tag, and the index of tags; each depends only on the entries it lists. */
export function tagSpecs(site: Site, strings: Strings, page: PageOf): PageSpec[] {
  const { settings } = site;
  const groups = tagGroups(site.entries);
  if (groups.length === 0) return [];
  const specs: PageSpec[] = groups.map((group) => {
    const path = `/tags/${group.slug}/`;
    const name = group.names.join(' / ');
    return withLazyKey({
      path,
      output: outputFileOf(path),
      template: 'tag',
      context: () => ({
        page: page({ title: `${say(strings, 'tag-title', 'Tag: {0}', name)} · ${settings.title}`, description: settings.description, path }),
        tag: { name, names: group.names, path, count: group.entries.length },
        entries: group.entries,
      }),
    }, () => `${group.names.join('|')}|${keysOf(group.entries)}`);
  });
  const index = groups.map((group) => ({ name: group.names.join(' / '), path: `/tags/${group.slug}/`, count: group.entries.length }));
  specs.push({
    path: '/tags/',
    output: outputFileOf('/tags/'),
    template: 'tags',
    key: JSON.stringify(index),
    context: () => ({
      page: page({ title: `${say(strings, 'tags', 'Tags')} · ${settings.title}`, description: settings.description, path: '/tags/' }),
      tags: index,
    }),
  });
  return specs;
}

export const seasonPath = (season: number) => `/seasons/${season}/`;

/**
 * A page per season, its entries in the order they were published (a season is heard from its
 * start); the index of seasons only when there is more than one.
 */
export function seasonSpecs(site: Site, strings: Strings, page: PageOf): PageSpec[] {
  const { settings } = site;
  const seasons = new Map<number, Episode[]>();
  for (const entry of site.entries) {
    if (entry.season === undefined) continue;
    const list = seasons.get(entry.season);
    if (list) list.unshift(entry);
    else seasons.set(entry.season, [entry]);
  }
  const numbers = [...seasons.keys()].sort((a, b) => a - b);
  const specs: PageSpec[] = numbers.map((season) => {
    const entries = seasons.get(season)!;
    const path = seasonPath(season);
    return withLazyKey({
      path,
      output: outputFileOf(path),
      template: 'season',
      context: () => ({
        page: page({ title: `${say(strings, 'season-n', 'Season {0}', season)} · ${settings.title}`, description: settings.description, path }),
        season: { number: season, count: entries.length },
        hasIndex: numbers.length > 1,
        entries,
      }),
    }, () => `${season}|${numbers.length}|${keysOf(entries)}`);
  });
  if (numbers.length > 1) {
    const index = numbers.map((season) => {
      const entries = seasons.get(season)!;
      return { number: season, path: seasonPath(season), count: entries.length, first: entries[0]!.date, last: entries.at(-1)!.date };
    });
    specs.push({
      path: '/seasons/',
      output: outputFileOf('/seasons/'),
      template: 'seasons',
      key: JSON.stringify(index),
      context: () => ({
        page: page({ title: `${say(strings, 'seasons', 'Seasons')} · ${settings.title}`, description: settings.description, path: '/seasons/' }),
        seasons: index,
      }),
    });
  }
  return specs;
}
