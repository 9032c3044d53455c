import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * A podcast audio host on 127.0.0.1 for tests, never the network. Each path behaves as a real host
 * might: a well-behaved one, one that refuses HEAD, ignores byte ranges, never answers, redirects.
 */
export type Route =
  | { body: Uint8Array; type?: string; head?: 'refuse'; ranges?: 'ignore'; delayMs?: number }
  | { redirect: string; status?: number }
  | { hang: true };

export interface AudioHost {
  origin: string;
  /** `METHOD /path range`, one line per request received, in order. */
  requests: string[];
  /** Bytes of response bodies the host managed to send, by path. */
  bytesSent: Map<string, number>;
  /** The most requests it was answering at once. */
  mostAtOnce: number;
  close(): Promise<void>;
}

export async function startAudioHost(routes: Record<string, Route>): Promise<AudioHost> {
  const requests: string[] = [];
  const bytesSent = new Map<string, number>();
  let atOnce = 0;
  const host = { mostAtOnce: 0 };
  const server = createServer((request, response) => {
    atOnce++;
    host.mostAtOnce = Math.max(host.mostAtOnce, atOnce);
    response.on('close', () => atOnce--);
    const pathname = new URL(request.url ?? '/', 'http://host').pathname;
    requests.push(`${request.method} ${pathname}${request.headers.range ? ` ${request.headers.range}` : ''}`);
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    if (route === undefined) {
      response.writeHead(404, { 'Content-Type': 'text/html' }).end('<h1>Not found</h1>');
      return;
    }
    if ('hang' in route) return;
    if ('redirect' in route) {
      response.writeHead(route.status ?? 302, { Location: route.redirect }).end();
      return;
    }
    const serve = () => serveFile(request, response, route, (sent) => bytesSent.set(pathname, (bytesSent.get(pathname) ?? 0) + sent));
    if (route.delayMs === undefined) serve();
    else setTimeout(serve, route.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    bytesSent,
    get mostAtOnce() {
      return host.mostAtOnce;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveFile(request: IncomingMessage, response: ServerResponse, route: Extract<Route, { body: Uint8Array }>, count: (bytes: number) => void): void {
  const { body } = route;
  const type = route.type ?? 'audio/mpeg';
  if (request.method === 'HEAD') {
    if (route.head === 'refuse') response.writeHead(405, { Allow: 'GET' }).end();
    else response.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, 'Accept-Ranges': 'bytes' }).end();
    return;
  }
  const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? '');
  if (range === null || route.ranges === 'ignore') {
    response.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length });
    writeInChunks(response, body, count);
    return;
  }
  const start = Number(range[1]);
  const end = Math.min(range[2] === '' ? body.length - 1 : Number(range[2]), body.length - 1);
  if (start >= body.length) {
    response.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    return;
  }
  const part = body.subarray(start, end + 1);
  response.writeHead(206, { 'Content-Type': type, 'Content-Length': part.length, 'Content-Range': `bytes ${start}-${end}/${body.length}` });
  writeInChunks(response, part, count);
}

/** Writes as the client reads, so that a client that stops reading leaves most of the body unsent. */
function writeInChunks(response: ServerResponse, body: Uint8Array, count: (bytes: number) => void): void {
  let offset = 0;
  const next = () => {
    while (offset < body.length && !response.destroyed) {
      const chunk = body.subarray(offset, offset + 16 * 1024);
      offset += chunk.length;
      count(chunk.length);
      if (!response.write(chunk)) {
        response.once('drain', next);
        return;
      }
    }
    if (!response.destroyed) response.end();
  };
  next();
}

/**
 * A constant-bitrate MP3 written by hand: `frames` MPEG-1 Layer III frames of 128 kbit/s at
 * 48 kHz (silent: all zeros after each header), without a Xing header, so its duration can only
 * come from its size. At 48 kHz every frame has the same length, 144 × 128000 / 48000 bytes.
 */
export function handMadeMp3(frames: number): Buffer {
  const frame = Buffer.alloc(384);
  frame.set([0xff, 0xfb, 0x94, 0x00]);
  return Buffer.concat(Array.from({ length: frames }, () => frame));
}

export const MP3_FRAME_SECONDS = 1152 / 48000;

/** An ID3v2.3 tag of `length` bytes in all, all padding: as large as embedded cover art makes them. */
export function id3Padding(length: number): Buffer {
  const size = length - 10;
  const tag = Buffer.alloc(length);
  tag.write('ID3', 0, 'latin1');
  tag.set([3, 0, 0, (size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f], 3);
  return tag;
}

const audioFixture = (name: string) => readFileSync(new URL(`./fixtures/audio/${name}`, import.meta.url));

/** 3 seconds of silence, made by scripts/make-audio-fixtures.sh. */
export const SILENCE_MP3 = audioFixture('silence-3s.mp3');
export const SILENCE_M4A = audioFixture('silence-3s.m4a');

/**
 * Node's fetch with `origin` replaced by a host started on 127.0.0.1 that serves the audio files of
 * `folder` and refuses what `refuse` says: how fixture sites show the rules of `--probe-audio`.
 * The host is added to `started`, for the caller to close.
 */
export async function fetchThroughLocalHost(
  folder: string,
  { origin, refuse = [] }: { origin: string; refuse?: ('HEAD' | 'ranges')[] },
  started: AudioHost[],
): Promise<typeof fetch> {
  const routes: Record<string, Route> = {};
  for (const name of await readdir(folder, { recursive: true })) {
    if (!/\.(mp3|m4a)$/.test(name)) continue;
    const body = await readFile(path.join(folder, name));
    routes[`/${name.split(path.sep).join('/')}`] = { body, ...(refuse.includes('HEAD') && { head: 'refuse' }), ...(refuse.includes('ranges') && { ranges: 'ignore' }) };
  }
  const host = await startAudioHost(routes);
  started.push(host);
  return (input, init) => fetch(String(input instanceof Request ? input.url : input).replace(origin, host.origin), init);
}
