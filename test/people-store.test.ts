import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { build } from '../src/build.js';
import { episodeFile, MINIMAL_SETTINGS, readTree, tempProject } from './helpers.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const episode = (n: number, notes: string) =>
  episodeFile(`title: Episode ${n}\nepisode: ${n}\nhosts: [maya]\nguests: [ruth]\naudio:\n  url: https://media.example.com/e${n}.mp3\n  length: ${1000 + n}\n  duration: 60`, `${notes}\n`);

async function project(): Promise<string> {
  return tempProject({
    'podsite.yaml': MINIMAL_SETTINGS,
    'public/artwork.png': 'not really a png',
    'people/maya.md': '---\nname: Maya Okafor\nwebsite: https://maya.example.com/\n---\nCivil engineer, *bridges* mostly.\n',
    // A tag of no HTML element: the warning of a person file must come again from the store.
    'people/ruth.md': '---\nname: Ruth Adebayo-Kern\nrole: guest\n---\nWrites about List<String> and more.\n',
    'episodes/2024-01-01-e1.md': episode(1, 'Notes of episode 1.'),
    'episodes/2024-01-02-e2.md': episode(2, 'Notes of episode 2.'),
  });
}

const options = (root: string) => ({ cwd: root, now: NOW });
const storeFile = (root: string) => path.join(root, '.podsite-cache', 'people.v8');

describe('the people of the last build', () => {
  it('are taken from the cache after an edit of an episode, with their warnings, into the site a cold build makes', async () => {
    const root = await project();
    const first = await build(options(root));
    expect(first.ok).toBe(true);
    expect(first.diagnostics.map((d) => [d.file, d.rule])).toContainEqual(['people/ruth.md', 'unknown-html-tag']);
    // The bio as kept, marked: the next build shows the mark only if it took the people from the cache.
    const stored = deserialize(await readFile(storeFile(root))) as { people: { value: { people: { id: string; html: string }[] } } };
    const maya = stored.people.value.people.find((person) => person.id === 'maya')!;
    expect(maya.html).toContain('<em>bridges</em>');
    maya.html = maya.html.replace('bridges', 'bridges (kept)');
    await writeFile(storeFile(root), serialize(stored));

    await writeFile(path.join(root, 'episodes/2024-01-02-e2.md'), episode(2, 'Notes of episode 2, edited.'));
    const second = await build(options(root));
    expect(second.ok).toBe(true);
    expect(second.diagnostics).toEqual(first.diagnostics);
    const warm = await readTree(path.join(root, 'dist'));
    expect(warm.get('people/maya/index.html')?.toString()).toContain('bridges (kept)');

    // Unmarked, the kept people make the site a cold build makes.
    maya.html = maya.html.replace('bridges (kept)', 'bridges');
    await writeFile(storeFile(root), serialize(stored));
    await writeFile(path.join(root, 'episodes/2024-01-02-e2.md'), episode(2, 'Notes of episode 2, edited again.'));
    expect((await build(options(root))).ok).toBe(true);
    const cold = await build({ ...options(root), cache: false, output: 'cold' });
    expect(cold.diagnostics).toEqual(first.diagnostics);
    expect(await readTree(path.join(root, 'dist'))).toEqual(await readTree(path.join(root, 'cold')));
  });

  it('are read again when a person file changes', async () => {
    const root = await project();
    await build(options(root));
    await writeFile(path.join(root, 'people/maya.md'), '---\nname: Maya Okafor\nwebsite: https://maya.example.com/\n---\nCivil engineer, *tunnels* now.\n');
    expect((await build(options(root))).ok).toBe(true);
    expect((await readTree(path.join(root, 'dist'))).get('people/maya/index.html')?.toString()).toContain('<em>tunnels</em>');
  });

  it('are read again, with a warning, when the kept file is damaged', async () => {
    const root = await project();
    await build(options(root));
    await writeFile(storeFile(root), 'not a store');
    await writeFile(path.join(root, 'episodes/2024-01-01-e1.md'), episode(1, 'Notes of episode 1, edited.'));
    const second = await build(options(root));
    expect(second.ok).toBe(true);
    expect(second.diagnostics.filter((d) => d.rule === 'cache-ignored').map((d) => d.file)).toEqual(['.podsite-cache/people.v8']);
    expect((await readTree(path.join(root, 'dist'))).get('people/maya/index.html')?.toString()).toContain('<em>bridges</em>');
  });
});
