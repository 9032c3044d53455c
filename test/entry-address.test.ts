import { describe, expect, it } from 'vitest';
import { toEpisode } from '../src/assemble.js';
import { parseSettings } from '../src/config.js';
import { wallTime } from '../src/dates.js';
import { parseEntry } from '../src/entry.js';
import { episodeFile, MINIMAL_SETTINGS } from './helpers.js';

const file = {
  file: 'episodes/2024-01-01-late.md',
  absolutePath: '/project/episodes/2024-01-01-late.md',
  text: episodeFile('title: Late\nepisode: 7\ndate: 2024-01-01T02:30:00Z\naudio:\n  url: https://media.example.com/7.mp3\n  length: 1000\n  duration: 60'),
};
const settingsIn = (timezone: string, extra = '') => parseSettings(MINIMAL_SETTINGS.replace('timezone: Europe/Paris', `timezone: ${timezone}`) + extra, '/project/podsite.yaml').settings!;

describe('where an entry goes', () => {
  it('is worked out when its file is parsed, from the date in the time zone, the permalink and the address of the settings', () => {
    expect(parseEntry(file, settingsIn('Europe/Paris')).episode!.address).toEqual({
      path: '/2024/01/01/late/',
      url: 'https://show.example.com/2024/01/01/late/',
      outputFile: '2024/01/01/late/index.html',
      addressKey: '2024/01/01/late/index.html',
      year: 2024,
      timeZone: 'Europe/Paris',
      wall: { year: 2024, month: 1, day: 1, hour: 3, minute: 30, second: 0, weekday: 'Mon' },
    });
    const newYork = parseEntry(file, settingsIn('America/New_York', 'build:\n  permalink: /:year/:episode/\n')).episode!.address;
    expect(newYork).toMatchObject({ path: '/2023/7/', year: 2023 });
  });

  it('is taken by the entry as the parse gave it, not worked out again', () => {
    const settings = settingsIn('Europe/Paris');
    const source = parseEntry(file, settings).episode!;
    const wall = { year: 1999, month: 12, day: 31, hour: 23, minute: 59, second: 58, weekday: 'Fri' };
    source.address = { path: '/kept/', url: 'https://show.example.com/kept/', outputFile: 'kept/index.html', addressKey: 'kept/index.html', year: 1999, timeZone: 'Europe/Paris', wall };
    const notes = { html: '', text: '', unknownTags: [], remoteMedia: [], chapters: [] } as never;
    const entry = toEpisode(settings, source, notes, { hosts: [], guests: [] });
    expect([entry.path, entry.url, entry.outputFile, entry.addressKey, entry.year]).toEqual(['/kept/', 'https://show.example.com/kept/', 'kept/index.html', 'kept/index.html', 1999]);
    expect('address' in entry, 'an entry has its own fields').toBe(false);
    // Its wall time is the one pages and the feed show from then on.
    expect(wallTime(source.date, 'Europe/Paris')).toEqual(wall);

    const otherZone = settingsIn('Asia/Tokyo');
    expect(toEpisode(otherZone, source, notes, { hosts: [], guests: [] }).path, 'an address made in another time zone is not taken').toBe('/2024/01/01/late/');
  });
});
