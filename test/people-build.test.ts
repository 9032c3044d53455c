import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { createCache } from '../src/cache.js';
import { child, children, episodeFile, MINIMAL_SETTINGS, parseXmlStrict, readText, tempProject, type XmlElement } from './helpers.js';

const audio = (n: number) => `episode: ${n}\naudio:\n  url: https://media.example.com/${n}.mp3\n  length: ${n}000`;

const PEOPLE = {
  'people/maya.md': '---\nname: Maya Okafor\nimage: /people/maya.jpg\nwebsite: https://maya.example.com/\n---\nCivil engineer.\n',
  'people/tom.md': '---\nname: Tom & "Jerry" <Lindqvist>\nrole: co-host\nblog: https://tom.example.com/?a=1&b=2\n---\n',
  'people/old-timer.md': '---\nname: Olle Äström\nalumni: true\n---\n',
  'people/ruth.md': '---\nname: Ruth Adebayo-Kern\nrole: guest\nimage: https://img.example.com/ruth.png\nlink: https://ruth.example.org/\n---\n',
};

const persons = (element: XmlElement) =>
  children(element, 'podcast:person').map((person) => ({ name: person.text, ...person.attributes }));

describe('people in the build', () => {
  it('credits current hosts on the channel and each episode its hosts and guests, escaped, in a strict XML feed', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS.replace('url: https://show.example.com/', 'url: https://show.example.com/podcast/'),
      ...PEOPLE,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}\nhosts: maya, Tom & "Jerry" <Lindqvist>, olle astrom\nguests: [ruth adebayo-kern]`),
      'episodes/2024-02-01-two.md': episodeFile(`title: Two\n${audio(2)}`),
    });
    const result = await build({ cwd: root });
    expect(result.diagnostics).toEqual([]);
    const channel = child(parseXmlStrict(await readText(path.join(root, 'dist/feed.xml'))), 'channel')!;
    expect(persons(channel)).toEqual([
      { name: 'Maya Okafor', role: 'host', group: 'cast', img: 'https://show.example.com/podcast/people/maya.jpg', href: 'https://maya.example.com/' },
      { name: 'Tom & "Jerry" <Lindqvist>', role: 'co-host', group: 'cast', href: 'https://tom.example.com/?a=1&b=2' },
    ]);
    const [two, one] = children(channel, 'item');
    expect(persons(two!)).toEqual([]);
    expect(persons(one!)).toEqual([
      { name: 'Maya Okafor', role: 'host', group: 'cast', img: 'https://show.example.com/podcast/people/maya.jpg', href: 'https://maya.example.com/' },
      { name: 'Tom & "Jerry" <Lindqvist>', role: 'co-host', group: 'cast', href: 'https://tom.example.com/?a=1&b=2' },
      { name: 'Olle Äström', role: 'host', group: 'cast' },
      { name: 'Ruth Adebayo-Kern', role: 'guest', group: 'cast', img: 'https://img.example.com/ruth.png', href: 'https://ruth.example.org/' },
    ]);
    const site = result.site!;
    expect(site.people.map((person) => person.id)).toEqual(['maya', 'old-timer', 'ruth', 'tom']);
    const episode = site.entries.find((entry) => entry.slug === 'one')!;
    expect(episode.people.hosts.map((person) => person.id)).toEqual(['maya', 'tom', 'old-timer']);
    expect(episode.people.guests[0]).toBe(site.people[2]);
    expect(episode.hosts).toEqual(['maya', 'Tom & "Jerry" <Lindqvist>', 'olle astrom']);
  });

  it('warns about a name that is nobody, where it was written; `rules:` can make it an error', async () => {
    const files = {
      ...PEOPLE,
      'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}\nhosts: Maya Okafor, Tom Lindkvist`),
    };
    const warned = await build({ cwd: await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, ...files }) });
    expect(warned.ok).toBe(true);
    expect(warned.diagnostics).toEqual([
      expect.objectContaining({ file: 'episodes/2024-01-01-one.md', line: 7, column: 21, severity: 'warning', rule: 'unknown-person', message: '`Tom Lindkvist` is neither the id nor the name of anyone in people/' }),
    ]);
    const root = await tempProject({ 'podsite.yaml': `${MINIMAL_SETTINGS}rules:\n  unknown-person: error\n`, ...files });
    const failed = await build({ cwd: root });
    expect(failed.ok).toBe(false);
    expect(failed.diagnostics.map((d) => [d.rule, d.severity])).toEqual([['unknown-person', 'error']]);
  });

  it('needs no people folder until an episode names someone', async () => {
    const quiet = await build({ cwd: await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}`) }) });
    expect(quiet.diagnostics).toEqual([]);
    expect(quiet.site?.people).toEqual([]);
    const named = await build({ cwd: await tempProject({ 'podsite.yaml': MINIMAL_SETTINGS, 'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}\nguests: [Ruth]`) }) });
    expect(named.diagnostics).toEqual([expect.objectContaining({ rule: 'unknown-person', hint: 'add people/ruth.md with `name: Ruth`' })]);
  });

  it('forgets what a build cache made from the people when a person file changes, even with no episode changed', async () => {
    const root = await tempProject({
      'podsite.yaml': MINIMAL_SETTINGS,
      'people/maya.md': '---\nname: Maya Okafor\n---\n',
      'episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}\nhosts: maya`),
    });
    const cache = createCache();
    const feedOf = (result: Awaited<ReturnType<typeof build>>) => result.output!.files.find((file) => file.path === 'feed.xml')!.contents as string;
    expect(feedOf(await build({ cwd: root, cache, write: false }))).toContain('>Maya Okafor</podcast:person>');
    await writeFile(path.join(root, 'people/maya.md'), '---\nname: Maya Okafor\nalumni: true\n---\n');
    cache.dirty = new Set();
    const feed = parseXmlStrict(feedOf(await build({ cwd: root, cache, write: false })));
    expect(persons(child(feed, 'channel')!)).toEqual([]);
    expect(persons(children(child(feed, 'channel')!, 'item')[0]!)).toEqual([{ name: 'Maya Okafor', role: 'host', group: 'cast' }]);
  });

  it('reads the folder named by `build.people`, and reports the problems of a person file like those of an episode', async () => {
    const root = await tempProject({
      // The people live beside the show's folder, on purpose.
      'show/podsite.yaml': `${MINIMAL_SETTINGS}build:\n  people: ../team\nfrontMatter:\n  ignore: [gravatar_hash]\nrules:\n  path-outside-project: off\n`,
      'show/episodes/2024-01-01-one.md': episodeFile(`title: One\n${audio(1)}\nhosts: Arnaud Heritier`),
      'team/arnaud.md': '---\nname: Arnaud H&eacute;ritier\ngravatar_hash: 9dec3dd9\ntwiter: aheritier\n---\n',
      'team/empty.md': '\n',
    });
    const result = await build({ cwd: root, config: 'show/podsite.yaml', write: false });
    expect(result.diagnostics.map((d) => [d.file, d.line, d.rule, d.hint])).toEqual([
      ['team/arnaud.md', 4, 'unknown-key', 'did you mean `twitter`?'],
      ['team/empty.md', 1, 'empty-file', 'write `name:` and a bio in it, or delete it'],
    ]);
    expect(result.site?.people.map((person) => person.name)).toEqual(['Arnaud Héritier']);
  });
});
