import type { Settings } from './config.js';
import { nameProblem } from './contain.js';
import { withBidiClosed } from './bidi.js';
import { blocksValue, diagnostic, type Diagnostic, type Position, type Result } from './diagnostics.js';
import type { EpisodeSource } from './episode.js';
import { readFrontMatter } from './frontmatter.js';
import type { SourceFile } from './load.js';
import { markdownEngine } from './markdown-engine.js';
import { markupDiagnostics } from './notes-checks.js';
import { groupOfRole, PERSON_GROUPS, PERSON_ROLES, PERSON_SCHEMA, ROLES_BY_GROUP, type PersonGroup, type PersonRole } from './person-schema.js';
import type { RuleId } from './rules.js';
import { closest, didYouMean } from './suggest.js';
import { compareText } from './text.js';
import { isHttpUrl, isUrlOrSitePath, prefixBasePath } from './urls.js';
import { hasForbiddenXmlCharacters, removeForbiddenXmlCharacters } from './xml-text.js';

export type { PersonGroup, PersonRole } from './person-schema.js';

/** A host, guest or other member of the show, from one file of the people folder. */
export interface Person {
  /** The file name without `.md`: how episodes may name the person, whatever their name. */
  id: string;
  /** Path relative to the working folder, with forward slashes: how diagnostics name it. */
  file: string;
  /** Plain text, HTML character references decoded. */
  name: string;
  role: PersonRole;
  group: PersonGroup;
  /** A path on the site (`/people/ann.jpg`) or an absolute URL. */
  image: string | undefined;
  link: string | undefined;
  website: string | undefined;
  blog: string | undefined;
  /** The handle, without `@`. */
  twitter: string | undefined;
  /** A former host: credited on their episodes, no longer on the show. */
  alumni: boolean;
  /** `link`, else `website`, else `blog`: where apps and pages link the name to. */
  href: string | undefined;
  /** The bio, rendered like show notes. */
  html: string;
  /** The bio as plain text. */
  text: string;
}

/** The people an episode names, in the order it names them. */
export interface EpisodePeople {
  hosts: Person[];
  guests: Person[];
}

/** Everyone in the people folder, and how episodes find them. */
export interface PeopleRegistry {
  /** By id. */
  people: Person[];
  /** The people folder as diagnostics show it, relative to the working folder. */
  folder: string;
  /** Folded ids and names (see `foldName`), each to the people it may mean. */
  byKey: Map<string, Person[]>;
}

/** One `podcast:person` credit: who, and in what role. */
export interface Credit {
  person: Person;
  role: PersonRole;
  group: PersonGroup;
}

export type PeopleSettings = Pick<Settings, 'url' | 'frontMatter'> & { build: Pick<Settings['build'], 'html'>; limits?: Partial<Settings['limits']> };

interface RawPerson {
  name?: string;
  role?: string;
  group?: string;
  image?: string;
  link?: string;
  website?: string;
  blog?: string;
  twitter?: string;
  alumni?: boolean;
}

const PERSON_FILE_NAME = /^(.+)\.(?:md|markdown)$/i;

/** Reads every person file; `folder` is the people folder as diagnostics show it. */
export function readPeople(files: readonly SourceFile[], settings: PeopleSettings, folder: string): Result<PeopleRegistry> {
  const diagnostics: Diagnostic[] = [];
  const people: Person[] = [];
  for (const file of files) {
    const parsed = parsePerson(file, settings);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.person) people.push(parsed.person);
  }
  people.sort((a, b) => compareText(a.id, b.id));
  const byKey = new Map<string, Person[]>();
  for (const person of people) {
    for (const key of new Set([foldName(person.id), foldName(person.name)])) {
      const known = byKey.get(key);
      if (known) known.push(person);
      else byKey.set(key, [person]);
    }
  }
  return { value: { people, folder, byKey }, diagnostics };
}

/** Parses one person file. Returns no person when a value it needs is missing or invalid. */
export function parsePerson(source: SourceFile, settings: PeopleSettings): { person: Person | undefined; diagnostics: Diagnostic[] } {
  const { file } = source;
  const { split, read, diagnostics } = readFrontMatter(file, source.text, {
    schema: PERSON_SCHEMA,
    what: 'the person file',
    missing: { subject: 'this person file', field: 'name' },
    frontMatter: settings.frontMatter,
    limits: settings.limits,
  });
  if (read === undefined) return { person: undefined, diagnostics };
  const raw = read.value as RawPerson;
  const at = (key: string): Position => read.positions.get(key) ?? read.positions.get('') ?? { line: 1, column: 1 };
  const report = (key: string, rule: RuleId, message: string, hint?: string) => diagnostics.push(diagnostic(file, at(key), rule, message, hint));

  // Values go to the feed: characters XML forbids are reported here, where they were written, and removed.
  const clean = (key: keyof RawPerson): string | undefined => {
    const value = raw[key];
    if (typeof value !== 'string') return undefined;
    if (!hasForbiddenXmlCharacters(value)) return value;
    report(key, 'invalid-xml-character', 'control characters that XML forbids were removed from this value', 'remove them from the file; they are often pasted from word processors');
    return removeForbiddenXmlCharacters(value);
  };
  const written = raw.name === undefined ? undefined : markdownEngine().decodeCharacterReferences(clean('name')!).trim();
  // A name is shown inline, beside other names: what it leaves open must not reach them.
  const name = written === undefined ? undefined : withBidiClosed(written, (message, hint) => report('name', 'unbalanced-bidi', message, hint));
  if (name === '') report('name', 'missing-field', 'the name is empty', 'write the name as podcast apps should show it');
  const role = raw.role === undefined ? 'host' : taxonomyValue(raw.role, PERSON_ROLES, 'role', report);
  const group = raw.group === undefined ? (role && groupOfRole(role)) : taxonomyValue(raw.group, PERSON_GROUPS, 'group', report);
  const image = clean('image');
  if (image !== undefined && !isUrlOrSitePath(image)) {
    report('image', 'invalid-url', `\`image\` must be an absolute http(s) URL or a path on the site starting with \`/\` (found \`${image}\`)`);
  }
  const urls = { link: clean('link'), website: clean('website'), blog: clean('blog') };
  for (const [key, url] of Object.entries(urls)) {
    if (url !== undefined && !isHttpUrl(url)) report(key, 'invalid-url', `\`${key}\` must be an absolute http(s) URL (found \`${url}\`)`, 'e.g. https://example.com/');
  }

  const bio = markdownEngine().renderMarkdown(split.body, { html: settings.build.html, maxDepth: settings.limits?.markdownDepth });
  diagnostics.push(...markupDiagnostics(file, split.bodyLine, bio, settings));

  const baseName = file.split('/').at(-1)!;
  const id = PERSON_FILE_NAME.exec(baseName)?.[1] ?? baseName;
  // The id names the person's page: a folder of the output and a segment of its URL.
  const idProblem = nameProblem(id);
  if (idProblem !== undefined) {
    diagnostics.push(diagnostic(file, { line: 0, column: 0 }, 'invalid-slug', `the file name \`${JSON.stringify(id).slice(1, -1)}\` cannot be the address of this person's page: ${idProblem}`, 'rename the file with letters, digits, `-` and `_`'));
  }
  if (diagnostics.some(blocksValue) || !name || role === undefined || group === undefined) return { person: undefined, diagnostics };
  const person: Person = {
    id,
    file,
    name,
    role,
    group,
    image,
    ...urls,
    twitter: clean('twitter')?.replace(/^@/, ''),
    alumni: raw.alumni ?? false,
    href: urls.link ?? urls.website ?? urls.blog,
    html: prefixBasePath(bio.html, settings),
    text: bio.text,
  };
  return { person, diagnostics };
}

/** A role or group of the taxonomy; anything else is reported with the closest value. */
function taxonomyValue<T extends string>(
  value: string,
  known: readonly T[],
  key: 'role' | 'group',
  report: (key: string, rule: RuleId, message: string, hint?: string) => void,
): T | undefined {
  if ((known as readonly string[]).includes(value)) return value as T;
  const listed = key === 'role' ? `roles of the cast: ${ROLES_BY_GROUP['cast']!.join(', ')}; docs/people.md lists them all` : `groups: ${PERSON_GROUPS.join(', ')}`;
  report(key, 'wrong-type', `\`${value}\` is not a ${key} of the Podcasting 2.0 taxonomy`, didYouMean(value, known) ?? listed);
  return undefined;
}

/**
 * A name as episodes may write it: without accents, case or extra spaces, so that
 * `arnaud  heritier` finds `Arnaud Héritier`.
 */
export function foldName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * The people an episode's `hosts` and `guests` name, by id or by name. A name that is nobody's,
 * or more than one person's, is reported where it was written and left out.
 */
export function castOf(episode: EpisodeSource, registry: PeopleRegistry): Result<EpisodePeople> {
  const diagnostics: Diagnostic[] = [];
  const resolve = (field: 'hosts' | 'guests'): Person[] => {
    const found: Person[] = [];
    episode[field].forEach((written, index) => {
      const at = episode.positions.get(`${field}.${index}`) ?? episode.positions.get(field) ?? { line: 1, column: 1 };
      const candidates = registry.byKey.get(foldName(written)) ?? [];
      // Two people may share a name; the id is the one way to tell them apart.
      const person = candidates.length === 1 ? candidates[0] : candidates.find((candidate) => candidate.id === written);
      if (person === undefined) {
        diagnostics.push(unknownPerson(episode.file, at, written, candidates, registry));
      } else if (!found.includes(person)) {
        found.push(person);
      }
    });
    return found;
  };
  return { value: { hosts: resolve('hosts'), guests: resolve('guests') }, diagnostics };
}

function unknownPerson(file: string, at: Position, written: string, candidates: readonly Person[], registry: PeopleRegistry): Diagnostic {
  if (candidates.length > 1) {
    return diagnostic(
      file,
      at,
      'unknown-person',
      `\`${written}\` may be any of ${candidates.length} people: ${candidates.map((person) => person.file).join(', ')}`,
      `write the id of the one meant (its file name without \`.md\`): ${candidates.map((person) => `\`${person.id}\``).join(' or ')}`,
    );
  }
  const near = closest(foldName(written), registry.byKey.keys());
  const meant = near === undefined ? undefined : registry.byKey.get(near)![0]!;
  const slug = foldName(written).replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'someone';
  return diagnostic(
    file,
    at,
    'unknown-person',
    `\`${written}\` is neither the id nor the name of anyone in ${registry.folder}/`,
    meant ? `did you mean \`${near === foldName(meant.id) ? meant.id : meant.name}\`?` : `add ${registry.folder}/${slug}.md with \`name: ${written}\``,
  );
}

/** The show's credits in the feed's channel: its current hosts and co-hosts. */
export function showCredits(people: readonly Person[]): Credit[] {
  return people
    .filter((person) => (person.role === 'host' || person.role === 'co-host') && !person.alumni)
    .map((person) => ({ person, role: person.role, group: person.group }));
}

/** An episode's credits: each host in their own role, then each guest as a guest. */
export function episodeCredits(people: EpisodePeople): Credit[] {
  return [
    ...people.hosts.map((person) => ({ person, role: person.role, group: person.group })),
    ...people.guests.map((person) => ({ person, role: 'guest' as const, group: 'cast' as const })),
  ];
}
