import { describe, expect, it } from 'vitest';
import { parseEpisode, type EpisodeSettings } from '../src/episode.js';
import type { SourceFile } from '../src/load.js';
import { castOf, episodeCredits, foldName, parsePerson, readPeople, showCredits, type PeopleSettings, type Person } from '../src/people.js';
import { episodeFile } from './helpers.js';
import { loadMarkdownEngine } from '../src/markdown-engine.js';

// Bios and names are read with the Markdown engine, which the build loads before its people stage.
await loadMarkdownEngine();

const settings: PeopleSettings = {
  url: 'https://show.example.com/podcast/',
  frontMatter: { aliases: {}, ignore: [] },
  build: { html: 'keep' },
};

const personFile = (id: string, text: string): SourceFile => ({ file: `people/${id}.md`, absolutePath: `/show/people/${id}.md`, text });
const parse = (text: string, options: PeopleSettings = settings) => parsePerson(personFile('ann', text), options);

describe('parsePerson', () => {
  it('reads every field and renders the bio', () => {
    const { person, diagnostics } = parse(`---
name: Ann Lee
role: co-host
group: cast
image: /people/ann.jpg
link: https://ann.example.com/
website: https://ann.example.org/
blog: https://ann.example.org/blog/
twitter: "@annlee"
alumni: true
---
Ann builds *bridges*; see [her notes](/notes/).
`);
    expect(diagnostics).toEqual([]);
    expect(person).toEqual({
      id: 'ann',
      file: 'people/ann.md',
      name: 'Ann Lee',
      role: 'co-host',
      group: 'cast',
      image: '/people/ann.jpg',
      link: 'https://ann.example.com/',
      website: 'https://ann.example.org/',
      blog: 'https://ann.example.org/blog/',
      twitter: 'annlee',
      alumni: true,
      href: 'https://ann.example.com/',
      // Like show notes, links to the site's own pages get its base path.
      html: '<p>Ann builds <em>bridges</em>; see <a href="/podcast/notes/">her notes</a>.</p>\n',
      text: 'Ann builds bridges; see her notes.',
    });
  });

  it('fills in the defaults: a current host of the cast, linked to the website, else the blog', () => {
    expect(parse('---\nname: Ann\n---\n').person).toMatchObject({ role: 'host', group: 'cast', alumni: false, href: undefined, html: '' });
    expect(parse('---\nname: Ann\nwebsite: https://a.example/\nblog: https://b.example/\n---\n').person?.href).toBe('https://a.example/');
    expect(parse('---\nname: Ann\nblog: https://b.example/\n---\n').person?.href).toBe('https://b.example/');
  });

  it("takes the role's group when none is given", () => {
    expect(parse('---\nname: Ann\nrole: producer\n---\n').person).toMatchObject({ role: 'producer', group: 'creative direction' });
    expect(parse('---\nname: Ann\nrole: guest\n---\n').person).toMatchObject({ role: 'guest', group: 'cast' });
  });

  it('refuses a role or group outside the taxonomy, with the closest one', () => {
    const { person, diagnostics } = parse('---\nname: Ann\nrole: Host\ngroup: Cast\n---\n');
    expect(person).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 3, column: 7, rule: 'wrong-type', message: '`Host` is not a role of the Podcasting 2.0 taxonomy', hint: 'did you mean `host`?' }),
      expect.objectContaining({ line: 4, column: 8, rule: 'wrong-type', hint: 'did you mean `cast`?' }),
    ]);
    expect(parse('---\nname: Ann\nrole: sidekick\n---\n').diagnostics[0]?.hint).toMatch(/^roles of the cast: host, co-host, guest host, guest, .*; docs\/people\.md lists them all$/);
    expect(parse('---\nname: Ann\ngroup: crew\n---\n').diagnostics[0]?.hint).toMatch(/^groups: creative direction, cast, writing, /);
  });

  it('decodes HTML character references in the name, as a Jekyll theme showed it', () => {
    expect(parse('---\nname: Arnaud H&eacute;ritier\n---\n').person?.name).toBe('Arnaud Héritier');
    expect(parse('---\nname: "Tom & Jerry <Ltd> &amp; Co"\n---\n').person?.name).toBe('Tom & Jerry <Ltd> & Co');
  });

  it('checks URLs: the image may be a path on the site, links must be absolute', () => {
    const { person, diagnostics } = parse('---\nname: Ann\nimage: people/ann.jpg\nlink: ann.example.com\n---\n');
    expect(person).toBeUndefined();
    expect(diagnostics.map((d) => [d.line, d.rule])).toEqual([
      [3, 'invalid-url'],
      [4, 'invalid-url'],
    ]);
  });

  it('requires a name that is not empty', () => {
    expect(parse('---\nrole: guest\n---\nA bio.\n').diagnostics).toEqual([expect.objectContaining({ rule: 'missing-field', message: 'the person file is missing the required field `name`' })]);
    expect(parse('---\nname: "  "\n---\n').diagnostics).toEqual([expect.objectContaining({ line: 2, column: 7, rule: 'missing-field' })]);
    expect(parse('Just a bio.\n').diagnostics).toEqual([expect.objectContaining({ rule: 'missing-front-matter' })]);
  });

  it('reports unknown keys with a suggestion, and applies the aliases and ignored keys of the settings', () => {
    const text = '---\nname: Ann\nwebsit: https://a.example/\ngravatar_hash: 0123\nhomepage: https://h.example/\n---\n';
    expect(parse(text).diagnostics.map((d) => [d.line, d.rule, d.hint])).toEqual([
      [3, 'unknown-key', 'did you mean `website`?'],
      [4, 'unknown-key', expect.stringContaining('known keys: name, role')],
      [5, 'unknown-key', expect.any(String)],
    ]);
    const mapped = parse(text, { ...settings, frontMatter: { aliases: { websit: 'website', homepage: 'link' }, ignore: ['gravatar_hash'] } });
    expect(mapped.diagnostics.map((d) => d.rule)).toEqual(['legacy-key', 'legacy-key']);
    expect(mapped.person).toMatchObject({ website: 'https://a.example/', link: 'https://h.example/', href: 'https://h.example/' });
  });

  it('reports characters that XML forbids where they were written, and removes them', () => {
    const { person, diagnostics } = parse('---\nname: "Ann\\u0007 Lee"\n---\n');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 2, column: 7, rule: 'invalid-xml-character' })]);
    expect(person?.name).toBe('Ann Lee');
  });

  it('reports unknown HTML tags in the bio on their line', () => {
    const { diagnostics } = parse('---\nname: Ann\n---\nShe organises <Devoxx>.\n');
    expect(diagnostics).toEqual([expect.objectContaining({ line: 4, column: 15, rule: 'unknown-html-tag' })]);
  });
});

describe('foldName', () => {
  it('ignores accents, case and extra spaces', () => {
    expect(foldName('  Arnaud   Héritier ')).toBe('arnaud heritier');
    expect(foldName('ARNAUD HE\u0301RITIER')).toBe('arnaud heritier');
    expect(foldName('Zoë Ødegård')).toBe('zoe ødegard');
  });
});

describe('castOf', () => {
  const episodeSettings: EpisodeSettings = { timezone: 'UTC', frontMatter: { aliases: { team: 'hosts' }, ignore: [] }, build: { audioUrl: undefined } };
  const episode = (frontMatter: string) => parseEpisode('episodes/2024-01-01-one.md', episodeFile(`title: One\n${frontMatter}`), episodeSettings).episode!;
  const registry = readPeople(
    [
      personFile('arnaud', '---\nname: Arnaud H&eacute;ritier\n---\n'),
      personFile('maya-okafor', '---\nname: Maya Okafor\n---\n'),
      personFile('ann-lee', '---\nname: Ann Lee\nrole: guest\n---\n'),
      personFile('ann-lee-2', '---\nname: Ann Lee\nrole: guest\n---\n'),
    ],
    settings,
    'people',
  ).value;
  const ids = (people: Person[]) => people.map((person) => person.id);

  it('finds people by id or by name, whatever the case and accents, once each', () => {
    const cast = castOf(episode('hosts: [arnaud heritier, Maya-Okafor, MAYA OKAFOR]\nguests: ann-lee-2'), registry);
    expect(cast.diagnostics).toEqual([]);
    expect(ids(cast.value.hosts)).toEqual(['arnaud', 'maya-okafor']);
    expect(ids(cast.value.guests)).toEqual(['ann-lee-2']);
  });

  it('reports an unknown name where it was written in a comma-separated text, with the closest name', () => {
    const cast = castOf(episode("team: 'Maya Okafor, Arnaud Heritir'"), registry);
    expect(ids(cast.value.hosts)).toEqual(['maya-okafor']);
    expect(cast.diagnostics).toEqual([
      {
        file: 'episodes/2024-01-01-one.md',
        line: 3,
        column: 21,
        endLine: 3,
        endColumn: 35,
        severity: 'warning',
        rule: 'unknown-person',
        message: '`Arnaud Heritir` is neither the id nor the name of anyone in people/',
        hint: 'did you mean `Arnaud Héritier`?',
      },
    ]);
  });

  it('reports an unknown name in a list at its item, with how to add the person', () => {
    const cast = castOf(episode('guests:\n  - Maya Okafor\n  - Zadie Quartermaine'), registry);
    expect(ids(cast.value.guests)).toEqual(['maya-okafor']);
    expect(cast.diagnostics).toEqual([
      expect.objectContaining({ line: 5, column: 5, rule: 'unknown-person', hint: 'add people/zadie-quartermaine.md with `name: Zadie Quartermaine`' }),
    ]);
  });

  it('asks for the id when two people share the name', () => {
    const cast = castOf(episode('guests: [Ann Lee]'), registry);
    expect(cast.value.guests).toEqual([]);
    expect(cast.diagnostics).toEqual([
      expect.objectContaining({
        line: 3,
        column: 10,
        rule: 'unknown-person',
        message: '`Ann Lee` may be any of 2 people: people/ann-lee.md, people/ann-lee-2.md',
        hint: 'write the id of the one meant (its file name without `.md`): `ann-lee` or `ann-lee-2`',
      }),
    ]);
  });

  it('with no people folder, reports each name with how to add the person', () => {
    const empty = readPeople([], settings, 'people').value;
    const cast = castOf(episode('hosts: Maya Okafor'), empty);
    expect(cast.diagnostics.map((d) => d.hint)).toEqual(['add people/maya-okafor.md with `name: Maya Okafor`']);
  });
});

describe('credits', () => {
  const people = readPeople(
    [
      personFile('ann', '---\nname: Ann\n---\n'),
      personFile('bob', '---\nname: Bob\nrole: co-host\n---\n'),
      personFile('cy', '---\nname: Cy\nalumni: true\n---\n'),
      personFile('dee', '---\nname: Dee\nrole: producer\n---\n'),
      personFile('eve', '---\nname: Eve\nrole: guest\n---\n'),
    ],
    settings,
    'people',
  ).value.people;
  const byId = (id: string) => people.find((person) => person.id === id)!;
  const shown = (credits: ReturnType<typeof showCredits>) => credits.map(({ person, role, group }) => `${person.id}:${role}:${group}`);

  it('credits the show to its current hosts and co-hosts', () => {
    expect(shown(showCredits(people))).toEqual(['ann:host:cast', 'bob:co-host:cast']);
  });

  it("credits an episode's hosts in their own role and its guests as guests", () => {
    expect(shown(episodeCredits({ hosts: [byId('cy'), byId('dee')], guests: [byId('ann'), byId('eve')] }))).toEqual([
      'cy:host:cast',
      'dee:producer:creative direction',
      'ann:guest:cast',
      'eve:guest:cast',
    ]);
  });
});
