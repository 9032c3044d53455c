// Deterministic synthetic podcast archives for benchmarks: a seeded generator, no network.
// The notes mimic the shape of a real archive's (Les Cast Codeurs: median about 4.4 KB, one in ten
// above 20 KB, headings, long nested link lists, raw <img> and <a>, bare URLs in angle brackets),
// plus some tables and code blocks, which other shows use and which the renderer must handle.
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
  'service api compiler language runtime library tooling editor deploy container cluster latency cache ' +
  'a of and to in for with on is it that we you about new how why what open source model agent').split(' ');
const HOSTS = ['example.com', 'example.org', 'example.net', 'blog.example.dev', 'docs.example.io'];
const LANGUAGES = ['java', 'yaml', 'sh', 'kotlin', 'json'];

function notes(next, episode) {
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (list = WORDS) => list[Math.floor(next() * list.length)];
  const words = (n) => Array.from({ length: n }, () => pick()).join(' ');
  const sentence = (n) => words(n).replace(/^./, (c) => c.toUpperCase()) + '.';
  const url = () => `https://${pick(HOSTS)}/${pick()}/${episode}-${int(1, 9999)}`;
  // Inline decorations in the proportions seen in real notes: mostly plain links, some emphasis.
  const rich = (n) => {
    const text = words(n);
    const r = next();
    if (r < 0.5) return `[${text}](${url()})`;
    if (r < 0.6) return `${text} <${url()}>`;
    if (r < 0.7) return `**${text}**`;
    if (r < 0.8) return `${text} \`${pick()}.${pick()}()\``;
    if (r < 0.85) return `<a href="${url()}">${text}</a>`;
    return `${text} _${pick()}_`;
  };
  const lines = [sentence(int(10, 30)), sentence(int(8, 20)), '', `Recorded on day ${episode}.`, ''];
  lines.push(`Download the episode [episode-${episode}.mp3](https://media.example.com/episode-${episode}.mp3)`, '');
  // Most notes are a few sections; about one in eight is a long news episode (the size tail).
  const long = next() < 0.11;
  const sections = long ? int(7, 20) : int(1, 5);
  for (let section = 0; section < sections; section++) {
    lines.push(`## ${sentence(int(1, 4))}`, '');
    const topics = long ? int(2, 5) : int(1, 3);
    for (let topic = 0; topic < topics; topic++) {
      if (next() < 0.6) lines.push(`### ${sentence(int(2, 6))}`, '');
      for (let item = 0; item < int(2, 7); item++) {
        lines.push(`* ${rich(int(4, 14))}`);
        for (let sub = 0; sub < (next() < 0.4 ? int(1, 3) : 0); sub++) lines.push(`    * ${rich(int(3, 10))}`);
      }
      lines.push('');
      if (next() < 0.5) lines.push(sentence(int(15, 45)), '');
    }
    if (next() < 0.08) {
      lines.push('| topic | version | link |', '|---|---:|---|');
      for (let row = 0; row < int(2, 6); row++) lines.push(`| ${pick()} | ${int(1, 25)}.${int(0, 9)} | <${url()}> |`);
      lines.push('');
    }
    if (next() < 0.06) {
      lines.push(`\`\`\`${pick(LANGUAGES)}`);
      for (let row = 0; row < int(2, 10); row++) lines.push(`${'  '.repeat(int(0, 2))}${pick()}.${pick()}(${JSON.stringify(pick())}); // ${words(int(1, 5))}`);
      lines.push('```', '');
    }
    if (next() < 0.1) lines.push(`<img src="/images/${episode}-${section}.png" alt="${words(3)}" width="${pick(['400', '600'])}">`, '');
  }
  if (next() < 0.3) lines.push('## Contact', '', `* <${url()}>`, `* [${words(2)}](${url()})`, '');
  return lines.join('\n');
}

// Episodes end on a fixed date, one a day, so that every one is in the past (all are built
// without --future) whatever the archive's size and whatever today is.
const LAST_DAY = Date.UTC(2024, 11, 31);

/** Writes `count` episodes and a podsite.yaml into `folder` (emptied first); returns the file names, oldest first. */
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
  const files = [];
  for (let n = 1; n <= count; n++) {
    const day = new Date(LAST_DAY - (count - n) * 86_400_000).toISOString().slice(0, 10);
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
