import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings } from '../src/config.js';
import { MINIMAL_SETTINGS } from './helpers.js';

const root = path.resolve('/projects/show');
const configPath = path.join(root, 'podsite.yaml');
const parse = (text: string, overrides = {}) => parseSettings(text, configPath, overrides, root);

describe('parseSettings', () => {
  it('reads a minimal file and fills in the defaults', () => {
    const { settings, diagnostics } = parse(MINIMAL_SETTINGS);
    expect(diagnostics).toEqual([]);
    expect(settings).toMatchObject({
      title: 'Test Show',
      language: 'en',
      owner: { name: 'Test Author', email: 'owner@example.com' },
      explicit: false,
      type: 'episodic',
      url: 'https://show.example.com/',
      timezone: 'Europe/Paris',
      build: {
        episodes: path.join(root, 'episodes'),
        output: path.join(root, 'dist'),
        perPage: 10,
        permalink: '/:year/:month/:day/:slug/',
        html: 'keep',
        drafts: false,
        people: path.join(root, 'people'),
      },
    });
  });

  it('reads the people folder relative to the settings file', () => {
    const { settings } = parse(`${MINIMAL_SETTINGS}build:\n  people: ../shared/team\n`);
    expect(settings?.build.people).toBe(path.resolve(root, '../shared/team'));
  });

  it('reports an unknown key with its line and a suggestion', () => {
    const { settings, diagnostics } = parse(`${MINIMAL_SETTINGS}explict: true\n`);
    expect(settings).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ line: 11, column: 1, rule: 'unknown-setting', severity: 'error', hint: 'did you mean `explicit`?' }),
    ]);
  });

  it('reports mistyped values at the value, without YAML 1.1 coercions', () => {
    const { diagnostics } = parse(`${MINIMAL_SETTINGS}explicit: yes\nbuild:\n  perPage: "ten"\n`);
    expect(diagnostics.map((d) => [d.line, d.column, d.rule])).toEqual([
      [11, 11, 'wrong-type'],
      [13, 12, 'wrong-type'],
    ]);
    expect(diagnostics[0]!.hint).toMatch(/true.*false/);
  });

  it('keeps `no` and numbers as text where text is expected', () => {
    const { settings } = parse(MINIMAL_SETTINGS.replace('title: Test Show', 'title: no').replace('author: Test Author', 'author: 1984'));
    expect(settings?.title).toBe('no');
    expect(settings?.author).toBe('1984');
  });

  it('lists every missing required field in one message', () => {
    const { diagnostics } = parse('author: Someone\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toBe('the settings file is missing the required fields `title`, `description`, `language`, `url`');
  });

  it('checks the URL, time zone and permalink', () => {
    const text = MINIMAL_SETTINGS.replace('https://show.example.com/', 'show.example.com').replace('Europe/Paris', 'Europe/Pariss');
    const { diagnostics } = parse(`${text}build:\n  permalink: /:year/:titel/?x\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['invalid-url', 'invalid-timezone', 'invalid-permalink', 'invalid-permalink', 'invalid-permalink']);
  });

  it('lets the command line override output, base URL and drafts', () => {
    const { settings } = parse(MINIMAL_SETTINGS, { output: 'public_html', baseUrl: 'https://preview.example.com/show', drafts: true });
    expect(settings?.build.output).toBe(path.join(root, 'public_html'));
    expect(settings?.url).toBe('https://preview.example.com/show/');
    expect(settings?.build.drafts).toBe(true);
  });

  it('refuses an output folder that is the project or holds its sources', () => {
    for (const output of ['.', '..', 'episodes', 'episodes/site', 'people']) {
      const { settings, diagnostics } = parse(`${MINIMAL_SETTINGS}build:\n  output: ${output}\n`);
      expect(settings, output).toBeUndefined();
      expect(diagnostics.map((d) => d.rule)).toContain('invalid-output-folder');
    }
  });

  it('checks that front-matter aliases point at real fields', () => {
    const { diagnostics } = parse(`${MINIMAL_SETTINGS}frontMatter:\n  aliases:\n    mp3_length: audio.size\n`);
    expect(diagnostics).toEqual([expect.objectContaining({ rule: 'invalid-alias', line: 13 })]);
  });

  it('accepts aliases of person fields, for a foreign archive of people', () => {
    const { diagnostics } = parse(`${MINIMAL_SETTINGS}frontMatter:\n  aliases:\n    homepage: website\n    avatar: image\n`);
    expect(diagnostics).toEqual([]);
  });

  it('reports YAML syntax errors with their line', () => {
    const { settings, diagnostics } = parse(`${MINIMAL_SETTINGS}build:\n  output: [dist\n`);
    expect(settings).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ rule: 'yaml-syntax', severity: 'error' });
    expect(diagnostics[0]!.line).toBeGreaterThanOrEqual(11);
  });

  it('reports a duplicate key', () => {
    const { diagnostics } = parse(`${MINIMAL_SETTINGS}title: Again\n`);
    expect(diagnostics[0]).toMatchObject({ rule: 'duplicate-key', line: 11 });
  });

  it('does not treat prototype names as known keys', () => {
    const { diagnostics } = parse(`${MINIMAL_SETTINGS}constructor: x\n__proto__: y\n`);
    expect(diagnostics.map((d) => d.rule)).toEqual(['unknown-setting', 'unknown-setting']);
  });

  it('refuses a language that is not a language code, and artwork that is neither URL nor site path', () => {
    const { settings, diagnostics } = parse(MINIMAL_SETTINGS.replace('language: en', 'language: en_US').replace('artwork: /artwork.png', 'artwork: artwork.png'));
    expect(settings).toBeUndefined();
    expect(diagnostics.map((d) => [d.rule, d.line])).toEqual([
      ['invalid-language', 3],
      ['invalid-url', 7],
    ]);
  });

  it('names --base-url, not the settings file, when the flag is wrong', () => {
    const { diagnostics } = parse(MINIMAL_SETTINGS, { baseUrl: 'preview' });
    expect(diagnostics).toEqual([expect.objectContaining({ file: '', rule: 'invalid-url', message: expect.stringContaining('--base-url') })]);
  });
});

