// Deterministic synthetic podcast archives for benchmarks: a seeded generator, no network.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** mulberry32: small, fast, and the same numbers for the same seed everywhere. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ('the podcast java cloud kubernetes release version framework native image build test developer ' +
  'community conference interview news security performance memory thread database query stream event ' +
  'service api compiler language runtime library tooling editor deploy container cluster latency cache').split(' ');

function notes(next, episode) {
  const pick = () => WORDS[Math.floor(next() * WORDS.length)];
  const sentence = (n) => Array.from({ length: n }, pick).join(' ').replace(/^./, (c) => c.toUpperCase()) + '.';
  const lines = [sentence(18), '', `Recorded on day ${episode}.`, ''];
  for (let section = 0; section < 4 + Math.floor(next() * 4); section++) {
    lines.push(`## ${sentence(3)}`, '');
    for (let item = 0; item < 3 + Math.floor(next() * 5); item++) {
      lines.push(`- ${sentence(8)} [link](https://example.com/${episode}/${section}/${item}) and https://example.org/${pick()}`);
    }
    lines.push('', sentence(25), '');
    if (next() < 0.3) lines.push('| topic | link |', '|---|---|', `| ${pick()} | https://example.net/${episode} |`, '');
    if (next() < 0.2) lines.push(`<img src="/images/${episode}.png" alt="${pick()}" width="600">`, '');
  }
  return lines.join('\n');
}

/** Writes `count` episodes and a podsite.yaml into `folder` (emptied first). */
export async function generateArchive(folder, count, seed = 42) {
  const next = random(seed);
  await rm(folder, { recursive: true, force: true });
  await mkdir(path.join(folder, 'episodes'), { recursive: true });
  await writeFile(
    path.join(folder, 'podsite.yaml'),
    [
      'title: Synthetic Show',
      'description: A generated archive for benchmarks.',
      'language: en',
      'author: Bench',
      'artwork: /artwork.png',
      'categories: [Technology]',
      'url: https://bench.example.com/',
      'timezone: Europe/Paris',
      'rules:',
      '  duplicate-audio-length: off',
      '',
    ].join('\n'),
  );
  const start = Date.UTC(2005, 0, 3);
  const files = [];
  for (let n = 1; n <= count; n++) {
    const day = new Date(start + n * 2 * 86_400_000).toISOString().slice(0, 10);
    const name = `${day}-episode-${n}.md`;
    files.push(name);
    const body = notes(next, n);
    const front = [
      '---',
      `title: "Episode ${n}: ${WORDS[n % WORDS.length]} and ${WORDS[(n * 7) % WORDS.length]}"`,
      `episode: ${n}`,
      'audio:',
      `  url: https://media.example.com/episode-${n}.mp3`,
      `  length: ${20_000_000 + Math.floor(next() * 60_000_000)}`,
      `  duration: ${1800 + Math.floor(next() * 3600)}`,
      '---',
    ].join('\n');
    await writeFile(path.join(folder, 'episodes', name), `${front}\n${body}\n`);
  }
  return files;
}
