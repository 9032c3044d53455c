import { describe, expect, it } from 'vitest';
import { formatLedger, isFormatted, parseLedger, pinGuids, type Ledger, type PinOptions } from '../src/ledger.js';
import type { Episode } from '../src/site.js';

/** Just what the ledger reads of an episode. */
function episode(file: string, fields: Partial<Episode> = {}): Episode {
  const slug = file.replace(/^episodes\/\d{4}-\d{2}-\d{2}-/, '').replace(/\.md$/, '');
  return {
    file,
    url: `https://show.example.com/${slug}/`,
    date: new Date('2024-01-01T00:00:00Z'),
    episodeType: 'full',
    draft: false,
    future: false,
    positions: new Map([['guid', { line: 3, column: 7 }]]),
    ...fields,
  } as Episode;
}

function options(ledger: Ledger | undefined, extra: Partial<PinOptions> = {}): PinOptions {
  const text = ledger === undefined ? undefined : formatLedger(ledger);
  return {
    ledger: text === undefined ? undefined : parseLedger(text, 'podsite.lock'),
    ledgerFile: 'podsite.lock',
    fileOf: (e) => e.file,
    files: new Set<string>(),
    isPublished: (e) => !e.draft && !e.future,
    podcastGuid: { computed: '11111111-1111-5111-8111-111111111111' },
    ...extra,
  };
}

/** Newest first, as the site orders them. */
const newestFirst = (...episodes: Episode[]) => episodes.reverse();

describe('the GUID ledger', () => {
  it('reads back what it writes, one record a line', () => {
    const ledger: Ledger = {
      podcastGuid: '11111111-1111-5111-8111-111111111111',
      episodes: [
        { guid: 'https://show.example.com/one/', file: 'episodes/2024-01-01-one.md', season: 1, episode: 1, published: '2024-01-01T00:00:00.000Z' },
        { guid: 'old-host-"2"', file: 'episodes/2024-01-08-two.md', published: '2024-01-08T00:00:00.000Z' },
      ],
    };
    const text = formatLedger(ledger);
    expect(text.split('\n').filter((line) => line.includes('"guid"'))).toHaveLength(2);
    const parsed = parseLedger(text, 'podsite.lock');
    expect(parsed.diagnostics).toEqual([]);
    expect(parsed.ledger).toEqual(ledger);
    expect(parsed.lines.get(parsed.ledger!.episodes[1]!)).toBe(text.split('\n').findIndex((line) => line.includes('old-host')) + 1);
    expect(formatLedger({ podcastGuid: undefined, episodes: [] })).toContain('"episodes": []');
  });

  it('reports a ledger it cannot read, at the line of the problem', () => {
    // A comma lost in a hand edit.
    expect(parseLedger('{\n  "version": 1,\n  "episodes": [\n    {"guid": "a" "file": "b"}\n]}', 'podsite.lock').diagnostics).toMatchObject([{ rule: 'invalid-ledger', line: 4, column: 18 }]);
    expect(parseLedger('{"version": 2, "episodes": []}', 'podsite.lock').diagnostics).toMatchObject([{ rule: 'invalid-ledger', line: 1 }]);
    expect(parseLedger('{"version": 1, "episodes": [{"guid": "a"}]}', 'podsite.lock').diagnostics[0]?.message).toContain('record 1');
    expect(parseLedger('{"version": 1, "episodes": [\n<<<<<<< HEAD\n]}', 'podsite.lock').diagnostics).toMatchObject([{ line: 2 }]);
  });

  it('records new published episodes with their own guid or page URL, and not drafts or future ones', () => {
    const one = episode('episodes/2024-01-01-one.md', { number: 1 });
    const two = episode('episodes/2024-01-08-two.md', { number: 2, guid: 'imported-2', date: new Date('2024-01-08T00:00:00Z') });
    const draft = episode('episodes/2024-02-01-three.md', { number: 3, draft: true });
    const pinned = pinGuids(newestFirst(one, two, draft), options(undefined));
    expect(pinned.diagnostics).toEqual([]);
    expect(pinned.guids.get(one)).toBe('https://show.example.com/one/');
    expect(pinned.guids.get(two)).toBe('imported-2');
    expect(pinned.guids.get(draft)).toBe('https://show.example.com/three/');
    expect(pinned.next.episodes.map((r) => r.guid)).toEqual(['https://show.example.com/one/', 'imported-2']);
    expect(pinned.next.episodes[1]).toEqual({ guid: 'imported-2', file: 'episodes/2024-01-08-two.md', episode: 2, published: '2024-01-08T00:00:00.000Z' });
    expect(pinned.podcastGuid).toBe('11111111-1111-5111-8111-111111111111');
  });

  it('keeps a recorded GUID when the slug, the address or the file name change', () => {
    const recorded: Ledger = {
      podcastGuid: undefined,
      episodes: [
        { guid: 'https://show.example.com/one/', file: 'episodes/2024-01-01-one.md', episode: 1, published: '2024-01-01T00:00:00.000Z' },
        { guid: 'https://show.example.com/two/', file: 'episodes/2024-01-08-two.md', episode: 2, published: '2024-01-08T00:00:00.000Z' },
      ],
    };
    // One has a new address, two a new file name: found by file, then by number.
    const one = episode('episodes/2024-01-01-one.md', { number: 1, url: 'https://show.example.com/2024/one-renamed/' });
    const two = episode('episodes/2024-01-08-second-episode.md', { number: 2 });
    const pinned = pinGuids(newestFirst(one, two), options(recorded));
    expect(pinned.diagnostics).toEqual([]);
    expect(pinned.guids.get(one)).toBe('https://show.example.com/one/');
    expect(pinned.guids.get(two)).toBe('https://show.example.com/two/');
    expect(pinned.next.episodes.map((r) => r.file)).toEqual(['episodes/2024-01-01-one.md', 'episodes/2024-01-08-second-episode.md']);
    expect(pinned.next.episodes[1]!.published).toBe('2024-01-08T00:00:00.000Z');
  });

  it('refuses a guid that would change, and one that another episode has', () => {
    const recorded: Ledger = {
      podcastGuid: undefined,
      episodes: [{ guid: 'libsyn-1', file: 'episodes/2024-01-01-one.md', episode: 1, published: '2024-01-01T00:00:00.000Z' }],
    };
    const changed = pinGuids([episode('episodes/2024-01-01-one.md', { number: 1, guid: 'new-guid' })], options(recorded));
    expect(changed.diagnostics).toMatchObject([{ rule: 'guid-changed', file: 'episodes/2024-01-01-one.md', line: 3, column: 7 }]);
    expect(changed.diagnostics[0]!.message).toContain('libsyn-1');

    const copy = episode('episodes/2024-02-01-copy.md', { number: 2, guid: 'libsyn-1', date: new Date('2024-02-01T00:00:00Z') });
    const repeated = pinGuids(newestFirst(episode('episodes/2024-01-01-one.md', { number: 1 }), copy), options(recorded));
    expect(repeated.diagnostics).toMatchObject([{ rule: 'duplicate-guid', file: 'episodes/2024-02-01-copy.md' }]);
  });

  it('reads the positions of an episode only for a diagnostic about it', () => {
    // Kept by the parse store, positions are read from their packed form when first asked for.
    let read = 0;
    const counted = (fields: Partial<Episode>) => {
      const made = episode('episodes/2024-01-01-one.md', fields);
      const positions = made.positions;
      return { ...made, positions: { get: (key: string) => (read++, positions.get(key)) } as Episode['positions'] };
    };
    const recorded: Ledger = { podcastGuid: undefined, episodes: [{ guid: 'libsyn-1', file: 'episodes/2024-01-01-one.md', episode: 1, published: '2024-01-01T00:00:00.000Z' }] };
    expect(pinGuids([counted({ number: 1 })], options(recorded)).diagnostics).toEqual([]);
    expect(read).toBe(0);
    expect(pinGuids([counted({ number: 1, guid: 'new-guid' })], options(recorded)).diagnostics).toMatchObject([{ rule: 'guid-changed', line: 3, column: 7 }]);
    expect(read).toBe(1);
  });

  it('warns about a recorded episode whose file is gone, and keeps its record', () => {
    const recorded: Ledger = {
      podcastGuid: undefined,
      episodes: [
        { guid: 'g1', file: 'episodes/2024-01-01-one.md', episode: 1, published: '2024-01-01T00:00:00.000Z' },
        { guid: 'g2', file: 'episodes/2024-01-08-two.md', episode: 2, published: '2024-01-08T00:00:00.000Z' },
      ],
    };
    const gone = pinGuids([episode('episodes/2024-01-01-one.md', { number: 1 })], options(recorded));
    expect(gone.diagnostics).toMatchObject([{ rule: 'episode-removed', file: 'podsite.lock', line: 6 }]);
    expect(gone.next.episodes.map((r) => r.guid)).toEqual(['g1', 'g2']);
    // Still there but not in the feed (a draft again, or a file with an error): no warning of the ledger's.
    const present = pinGuids([episode('episodes/2024-01-01-one.md', { number: 1 })], options(recorded, { files: new Set(['episodes/2024-01-08-two.md']) }));
    expect(present.diagnostics).toEqual([]);
  });

  it('keeps the recorded podcast:guid when the feed URL changes, and refuses another one in the settings', () => {
    const recorded: Ledger = { podcastGuid: '22222222-2222-5222-8222-222222222222', episodes: [] };
    expect(pinGuids([], options(recorded)).podcastGuid).toBe('22222222-2222-5222-8222-222222222222');
    const configured = { guid: '33333333-3333-5333-8333-333333333333', file: 'podsite.yaml', position: { line: 9, column: 9 } };
    expect(pinGuids([], options(undefined, { podcastGuid: { computed: 'x', configured } })).podcastGuid).toBe(configured.guid);
    const conflict = pinGuids([], options(recorded, { podcastGuid: { computed: 'x', configured } }));
    expect(conflict.diagnostics).toMatchObject([{ rule: 'guid-changed', file: 'podsite.yaml', line: 9 }]);
  });

  describe('finds a ledger unchanged without writing it again only when it is', () => {
    const recorded: Ledger = {
      podcastGuid: '22222222-2222-5222-8222-222222222222',
      episodes: [
        { guid: 'g1', file: 'episodes/2024-01-01-one.md', season: 1, episode: 1, published: '2024-01-01T00:00:00.000Z' },
        { guid: 'g2', file: 'episodes/2024-01-08-two.md', season: 1, episode: 2, published: '2024-01-08T00:00:00.000Z' },
        { guid: 'g3', file: 'episodes/2024-01-15-three.md', season: 1, episode: 3, published: '2024-01-15T00:00:00.000Z' },
      ],
    };
    const archive = (changes: Record<number, Partial<Episode>> = {}) =>
      newestFirst(
        ...recorded.episodes.map((record, index) => episode(record.file, { season: 1, number: index + 1, date: new Date(record.published!), ...changes[index + 1] })),
      );
    /** The shortcut, and what the ledger written without it would be. */
    const pinned = (episodes: Episode[], ledger: Ledger = recorded, extra: Partial<PinOptions> = {}) => {
      const made = pinGuids(episodes, options(ledger, { files: new Set(episodes.map((e) => e.file)), ...extra }));
      return { keeps: made.keepsRecords, same: formatLedger(made.next) === formatLedger(ledger) };
    };

    it('the same archive: kept', () => {
      expect(pinned(archive())).toEqual({ keeps: true, same: true });
      // A guid written in the front matter changes no record (guid-changed says so): kept too.
      expect(pinned(archive({ 2: { guid: 'other' } }))).toEqual({ keeps: true, same: true });
    });

    it('a number, a season, a file name or a new episode: written again', () => {
      expect(pinned(archive({ 2: { number: 7 } }))).toEqual({ keeps: false, same: false });
      expect(pinned(archive({ 3: { season: 2 } }))).toEqual({ keeps: false, same: false });
      expect(pinned(archive({ 1: { season: undefined } }))).toEqual({ keeps: false, same: false });
      expect(pinned(archive({ 2: { file: 'episodes/2024-01-08-second.md' } }))).toEqual({ keeps: false, same: false });
      const added = episode('episodes/2024-01-22-four.md', { season: 1, number: 4, date: new Date('2024-01-22T00:00:00Z') });
      expect(pinned([added, ...archive()])).toEqual({ keeps: false, same: false });
    });

    it('a record without its date of publication, or out of order: written again', () => {
      const undated = { ...recorded, episodes: recorded.episodes.map((record, index) => (index === 0 ? { ...record, published: undefined } : record)) };
      expect(pinned(archive(), undated)).toEqual({ keeps: false, same: false });
      const unordered = { ...recorded, episodes: [recorded.episodes[1]!, recorded.episodes[0]!, recorded.episodes[2]!] };
      expect(pinned(archive(), unordered)).toEqual({ keeps: false, same: false });
      // Two records that sort alike (an older record of the same file, left unclaimed) are swapped by the sort.
      const alike = { ...recorded, episodes: [{ ...recorded.episodes[0]!, guid: 'g0' }, ...recorded.episodes] };
      expect(pinned(archive(), alike)).toEqual({ keeps: false, same: false });
    });

    it('a date changed is kept (the ledger keeps when it was first published), a recorded episode left out is not', () => {
      expect(pinned(archive({ 2: { date: new Date('2024-01-09T00:00:00Z') } }))).toEqual({ keeps: true, same: true });
      // A copy with a GUID of the ledger is left out: the records stay as they were.
      expect(pinned(archive({ 3: { guid: 'g1', file: 'episodes/2024-01-15-copy.md', number: 9 } }))).toEqual({ keeps: true, same: true });
      // Two records with one GUID (a hand edit): the older episode is left out, and its record with it.
      const twice = { ...recorded, episodes: recorded.episodes.map((record, index) => (index === 1 ? { ...record, guid: 'g1' } : record)) };
      expect(pinned(archive(), twice)).toEqual({ keeps: false, same: false });
    });

    it('a record whose file is gone is kept with the others', () => {
      const gone = archive().filter((e) => e.number !== 2);
      expect(pinned(gone)).toEqual({ keeps: true, same: true });
    });

    it('another podcast GUID, or none recorded yet: written again', () => {
      expect(pinned(archive(), { ...recorded, podcastGuid: undefined })).toEqual({ keeps: false, same: false });
      expect(pinGuids(archive(), options(undefined)).keepsRecords).toBe(false);
    });

    it('the text as formatLedger writes it, and nothing else', () => {
      const text = formatLedger(recorded);
      expect(isFormatted(text, recorded)).toBe(true);
      expect(isFormatted(`${JSON.stringify(JSON.parse(text), null, 2)}\n`, recorded)).toBe(false);
      expect(isFormatted(text.replace('"guid":"g2","file"', '"file"'), recorded)).toBe(false);
      expect(isFormatted(`${text}\n`, recorded)).toBe(false);
      expect(isFormatted(text.replace('"about": "podsite', '"about": "Podsite'), recorded)).toBe(false);
      expect(isFormatted(text.slice(0, -1), recorded)).toBe(false);
      expect(isFormatted(text, { ...recorded, episodes: recorded.episodes.slice(0, 2) })).toBe(false);
      const empty: Ledger = { podcastGuid: undefined, episodes: [] };
      expect(isFormatted(formatLedger(empty), empty)).toBe(true);
      expect(isFormatted(formatLedger(empty), recorded)).toBe(false);
    });
  });
});
