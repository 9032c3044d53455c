import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import matter from 'gray-matter';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { episodeJsonSchema, pageJsonSchema, personJsonSchema, rulesMarkdown, settingsJsonSchema } from '../src/json-schema.js';

const root = new URL('../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');
const yaml12 = (text: string) => parse(text, { version: '1.2', schema: 'core' }) as unknown;

describe('generated files', () => {
  it('are up to date (run `npm run generate` after changing rules or fields)', () => {
    expect(JSON.parse(read('schemas/podsite.schema.json'))).toEqual(settingsJsonSchema());
    expect(JSON.parse(read('schemas/episode.schema.json'))).toEqual(episodeJsonSchema());
    expect(JSON.parse(read('schemas/person.schema.json'))).toEqual(personJsonSchema());
    expect(JSON.parse(read('schemas/page.schema.json'))).toEqual(pageJsonSchema());
    expect(read('docs/rules.md')).toBe(rulesMarkdown());
  });
});

describe('JSON Schemas', () => {
  const ajv = new Ajv({ allErrors: true, strict: true });
  const settings = ajv.compile(settingsJsonSchema());
  const episode = ajv.compile(episodeJsonSchema());
  const person = ajv.compile(personJsonSchema());
  const page = ajv.compile(pageJsonSchema());

  it('accept the sample podcast and the real archive settings', () => {
    expect(settings(yaml12(read('podsite.yaml'))), JSON.stringify(settings.errors)).toBe(true);
    expect(settings(yaml12(read('docs/examples/lescastcodeurs.yaml'))), JSON.stringify(settings.errors)).toBe(true);
    const folder = fileURLToPath(new URL('episodes/', root));
    // Transcripts live beside the episode files.
    for (const name of readdirSync(folder).filter((file) => file.endsWith('.md'))) {
      const frontMatter = matter(read(`episodes/${name}`), { engines: { yaml: yaml12 as (text: string) => object } }).data;
      expect(episode(frontMatter), `${name}: ${JSON.stringify(episode.errors)}`).toBe(true);
    }
    for (const name of readdirSync(fileURLToPath(new URL('people/', root)))) {
      const frontMatter = matter(read(`people/${name}`), { engines: { yaml: yaml12 as (text: string) => object } }).data;
      expect(person(frontMatter), `${name}: ${JSON.stringify(person.errors)}`).toBe(true);
    }
    for (const name of readdirSync(fileURLToPath(new URL('pages/', root)))) {
      const frontMatter = matter(read(`pages/${name}`), { engines: { yaml: yaml12 as (text: string) => object } }).data;
      expect(page(frontMatter), `${name}: ${JSON.stringify(page.errors)}`).toBe(true);
    }
  });

  it('reject what podsite rejects: unknown keys, wrong types, unknown rules', () => {
    const valid = yaml12(read('podsite.yaml')) as Record<string, unknown>;
    expect(settings({ ...valid, explict: true })).toBe(false);
    expect(settings({ ...valid, explicit: 'yes' })).toBe(false);
    expect(settings({ ...valid, rules: { 'duplicate-episode-number': 'warn' } })).toBe(true);
    expect(settings({ ...valid, rules: { 'no-such-rule': 'warn' } })).toBe(false);
    expect(settings({ ...valid, rules: { 'yaml-syntax': 'off' } })).toBe(false);
    expect(episode({ title: 'X', episode: '12' })).toBe(false);
    expect(episode({ title: 'X', date: '2024-03-05 08:30' })).toBe(true);
    expect(episode({ title: 'X', date: 'yesterday' })).toBe(false);
    expect(episode({ episode: 1 })).toBe(false);
    expect(person({ name: 'Ann', role: 'co-host', group: 'cast', alumni: true })).toBe(true);
    expect(person({ name: 'Ann', role: 'Host' })).toBe(false);
    expect(person({ name: 'Ann', gravatar_hash: '0123' })).toBe(false);
    expect(person({ role: 'guest' })).toBe(false);
    expect(page({ title: 'About', menu: true, order: 1 })).toBe(true);
    expect(page({ title: 'About', menu: 'yes' })).toBe(false);
    expect(page({ menu: true })).toBe(false);
    expect(settings({ ...valid, nav: [{ title: 'About', url: '/about/' }], footer: [{ title: 'Legal', url: '/legal/' }] })).toBe(true);
    expect(settings({ ...valid, nav: [{ title: 'About', link: '/about/' }] })).toBe(false);
  });
});
