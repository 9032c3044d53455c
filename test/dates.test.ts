import { describe, expect, it } from 'vitest';
import { displayDate, formatDuration, instantOf, isoDate, parseDate, parseDuration, rfc2822, wallTime, wallTimeFromParts } from '../src/dates.js';

describe('parseDate', () => {
  it('reads a date without time as midnight in the show time zone', () => {
    const parsed = parseDate('2009-04-12', 'Europe/Paris');
    expect(parsed).toEqual({ instant: new Date('2009-04-11T22:00:00Z'), hasTime: false });
  });

  it('reads a wall time in the show time zone, across DST', () => {
    expect(parseDate('2024-01-15 08:30', 'Europe/Paris')).toMatchObject({ instant: new Date('2024-01-15T07:30:00Z'), hasTime: true });
    expect(parseDate('2024-07-15T08:30:00', 'Europe/Paris')).toMatchObject({ instant: new Date('2024-07-15T06:30:00Z') });
  });

  it('honours an explicit offset, Jekyll style or ISO', () => {
    expect(parseDate('2021-06-30 08:00:00 +0200', 'UTC')).toMatchObject({ instant: new Date('2021-06-30T06:00:00Z') });
    expect(parseDate('2021-06-30T08:00:00-05:00', 'Europe/Paris')).toMatchObject({ instant: new Date('2021-06-30T13:00:00Z') });
    expect(parseDate('2021-06-30T08:00Z', 'Europe/Paris')).toMatchObject({ instant: new Date('2021-06-30T08:00:00Z') });
  });

  it('refuses dates that are not on the calendar, instead of rolling them over', () => {
    expect(parseDate('2021-02-30', 'UTC')).toEqual({ error: '`2021-02-30` is not a real calendar date' });
    expect(parseDate('2021-13-01', 'UTC')).toHaveProperty('error');
    expect(parseDate('2024-02-29', 'UTC')).toHaveProperty('instant');
    expect(parseDate('2023-02-29', 'UTC')).toHaveProperty('error');
    expect(parseDate('2021-01-01 25:00', 'UTC')).toHaveProperty('error');
    expect(parseDate('yesterday', 'UTC')).toHaveProperty('error');
  });
});

describe('formatting', () => {
  const instant = new Date('2021-06-30T06:00:00Z');

  it('writes RFC 2822 with the zone offset of that date', () => {
    expect(rfc2822(instant, 'Europe/Paris')).toBe('Wed, 30 Jun 2021 08:00:00 +0200');
    expect(rfc2822(new Date('2021-12-30T06:00:00Z'), 'Europe/Paris')).toBe('Thu, 30 Dec 2021 07:00:00 +0100');
    expect(rfc2822(instant, 'America/St_Johns')).toBe('Wed, 30 Jun 2021 03:30:00 -0230');
    expect(rfc2822(instant, 'UTC')).toBe('Wed, 30 Jun 2021 06:00:00 +0000');
  });

  it('writes ISO 8601 with the offset', () => {
    expect(isoDate(instant, 'Europe/Paris')).toBe('2021-06-30T08:00:00+02:00');
  });

  it('writes dates in the show language', () => {
    expect(displayDate(new Date('2009-04-11T22:00:00Z'), 'fr', 'Europe/Paris')).toBe('12 avril 2009');
    expect(displayDate(new Date('2009-04-11T22:00:00Z'), 'en', 'Europe/Paris')).toBe('April 12, 2009');
  });

  it('finds the instant of a wall time in a DST gap without drifting a day', () => {
    const instantInGap = instantOf({ year: 2024, month: 3, day: 31, hour: 2, minute: 30, second: 0 }, 'Europe/Paris');
    expect(instantInGap.toISOString().slice(0, 10)).toBe('2024-03-31');
  });
});

describe('durations', () => {
  it('reads seconds and clock times', () => {
    expect(parseDuration(3723)).toBe(3723);
    expect(parseDuration('3723')).toBe(3723);
    expect(parseDuration('1:02:03')).toBe(3723);
    expect(parseDuration('01:02:03')).toBe(3723);
    expect(parseDuration('62:03')).toBe(3723);
  });

  it('refuses what is not a duration', () => {
    expect(parseDuration('1:75:00')).toBeUndefined();
    expect(parseDuration('an hour')).toBeUndefined();
    expect(parseDuration(-5)).toBeUndefined();
  });

  it('formats durations for people', () => {
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(754)).toBe('12:34');
  });
});

describe('wallTime', () => {
  it('gives what formatToParts gives, for instants across DST changes, odd offsets and old local mean times', () => {
    const zones = ['Europe/Paris', 'America/St_Johns', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Africa/Casablanca', 'Pacific/Chatham', 'America/Sao_Paulo', 'UTC', 'Pacific/Kiritimati'];
    // Every 7 hours and 13 minutes from 1890 to 2060: each hour of the day, each weekday, DST changes, and the zones' LMT years.
    const step = (7 * 60 + 13) * 60_000;
    for (const zone of zones) {
      for (let t = Date.UTC(1890, 0, 1); t < Date.UTC(2060, 0, 1); t += step * 97) {
        const instant = new Date(t);
        expect(wallTime(instant, zone), `${zone} ${instant.toISOString()}`).toEqual(wallTimeFromParts(instant, zone));
      }
    }
  });

  it('gives the year of an instant before the year 1000 as formatToParts does', () => {
    const instant = new Date(Date.UTC(812, 5, 1, 12));
    expect(wallTime(instant, 'Europe/Paris')).toEqual(wallTimeFromParts(instant, 'Europe/Paris'));
  });
});
