import { MISTAKEN_MEDIA_TYPES } from './apple.js';
import type { AudioFinding, AudioProblem } from './audio-facts.js';
import { FactsCache } from './facts-cache.js';
import { forEachLimited } from './limit.js';
import { id3v2TagLength, readMediaStart } from './media.js';

/**
 * `--probe-audio`: asks the host of each remote audio file what a podcast app would learn from it.
 * A HEAD request gives the size and type; a small byte-range request gives the first bytes, from
 * which the duration can often be read. Apple requires hosts to answer both kinds of request.
 */
export interface ProbeOptions {
  /** Requests under way at a time, over all hosts. */
  concurrency?: number;
  /** Milliseconds before one request, body included, is given up. */
  timeoutMs?: number;
  /** Redirects followed for one request. */
  maxRedirects?: number;
  /** Bytes asked for by the range request. */
  rangeBytes?: number;
  /** Node's fetch unless given; tests route requests to a server of their own. */
  fetch?: typeof fetch;
}

export const probeDefaults = {
  concurrency: 4,
  timeoutMs: 15_000,
  maxRedirects: 5,
  rangeBytes: 64 * 1024,
} satisfies Required<Omit<ProbeOptions, 'fetch'>>;

type Settings = Required<ProbeOptions>;

/** A probe as cached: the finding without what the URL already says. */
type CachedProbe = Omit<AudioFinding, 'source' | 'from'> & { probedAt: string };

const CACHE_VERSION = 1;

/**
 * What the host of each URL says about it, by URL. A URL whose host answered with the file is
 * asked only once: its answer is kept in `cacheFile` until that file is deleted. Failures are not
 * kept, so the next build asks again.
 */
export async function probeAudio(urls: Iterable<string>, options: ProbeOptions & { cacheFile: string; now?: Date }): Promise<Map<string, AudioFinding>> {
  const settings: Settings = {
    concurrency: options.concurrency ?? probeDefaults.concurrency,
    timeoutMs: options.timeoutMs ?? probeDefaults.timeoutMs,
    maxRedirects: options.maxRedirects ?? probeDefaults.maxRedirects,
    rangeBytes: options.rangeBytes ?? probeDefaults.rangeBytes,
    fetch: options.fetch ?? fetch,
  };
  const cache = await FactsCache.open<CachedProbe>(options.cacheFile, CACHE_VERSION);
  const findings = new Map<string, AudioFinding>();
  const toAsk: string[] = [];
  for (const url of new Set(urls)) {
    const cached = cache.get(url);
    if (cached === undefined) toAsk.push(url);
    else findings.set(url, { source: url, from: 'host', size: cached.size, type: cached.type, duration: cached.duration, problems: cached.problems });
  }
  await forEachLimited(toAsk, settings.concurrency, async (url) => {
    const { finding, keep } = await probeOne(url, settings);
    findings.set(url, finding);
    if (keep) {
      const { size, type, duration, problems } = finding;
      cache.set(url, { size, type, duration, problems, probedAt: (options.now ?? new Date()).toISOString() });
    }
  });
  await cache.save();
  return findings;
}

interface Answer {
  response: Response;
  /** The URL that answered, after redirects. */
  url: string;
  body: Uint8Array;
}

type Outcome = Answer | { failure: string };

async function probeOne(url: string, settings: Settings): Promise<{ finding: AudioFinding; keep: boolean }> {
  const problems: AudioProblem[] = [];
  const finding: AudioFinding = { source: url, from: 'host', size: undefined, type: undefined, duration: undefined, problems };
  const failed = (message: string) => {
    problems.push({ rule: 'audio-probe-failed', message, hint: 'check the URL; run the build again with `--probe-audio` to ask again' });
    return { finding, keep: false };
  };

  const head = await request(url, 'HEAD', {}, 0, settings);
  if ('failure' in head) return failed(`could not ask the host of \`${url}\`: ${head.failure}`);
  const headOk = head.response.ok;
  let hostType: string | undefined;
  if (headOk) {
    finding.size = contentLength(head.response);
    hostType = mediaType(head.response.headers.get('content-type'));
  }

  const range = await request(url, 'GET', { Range: `bytes=0-${settings.rangeBytes - 1}` }, settings.rangeBytes, settings);
  if ('failure' in range) return failed(`could not ask the host of \`${url}\` for its first bytes: ${range.failure}`);
  const { response } = range;
  if (!headOk && !response.ok) return failed(`the host answers \`${url}\` with ${statusText(head.response)} (HEAD) and ${statusText(response)} (GET)`);
  if (!headOk) {
    problems.push(hostProblem(`the host of \`${url}\` answers HEAD requests with ${statusText(head.response)}`));
    hostType = mediaType(response.headers.get('content-type'));
  }

  let rangesWork = false;
  if (response.status === 206) {
    const total = contentRangeTotal(response);
    if (total === undefined) problems.push(hostProblem(`the host of \`${url}\` answers a range request without the file's size in Content-Range`));
    else rangesWork = true;
    // The size the host gives with the bytes themselves is the one a player relies on.
    finding.size = total ?? finding.size;
  } else if (response.ok) {
    problems.push(hostProblem(`the host of \`${url}\` ignores byte ranges: it answered a range request with ${statusText(response)} and the whole file`));
    finding.size ??= contentLength(response);
  } else {
    problems.push(hostProblem(`the host of \`${url}\` answers HEAD but refuses a range request with ${statusText(response)}`));
  }

  if (response.ok && finding.size !== undefined) {
    let bytes = range.body;
    let size = finding.size;
    const tagLength = id3v2TagLength(bytes);
    // Cover art in the ID3 tag can fill the first bytes: the audio frames are then asked for where the tag ends.
    if (rangesWork && tagLength !== undefined && tagLength >= bytes.length && tagLength < size) {
      const frames = await request(range.url, 'GET', { Range: `bytes=${tagLength}-${tagLength + settings.rangeBytes - 1}` }, settings.rangeBytes, settings);
      if ('failure' in frames) return failed(`could not ask the host of \`${url}\` for the bytes after its ID3 tag: ${frames.failure}`);
      if (frames.response.status === 206) {
        bytes = frames.body;
        size -= tagLength;
      }
    }
    const reading = await readMediaStart(bytes, size);
    if ('facts' in reading) {
      finding.type = reading.facts.type;
      finding.duration = reading.facts.duration;
    } else {
      problems.push({
        rule: 'unreadable-audio',
        message: `the first bytes of \`${url}\` cannot be read as audio (${reading.problem}${hostType === undefined ? `; the host says it is ${response.headers.get('content-type') ?? 'of no type'}` : ''}); only its size is used`,
        hint: 'check that the URL leads to the audio file itself, not to a page about it',
      });
    }
  }
  finding.type ??= hostType;
  return { finding, keep: true };
}

function hostProblem(message: string): AudioProblem {
  return { rule: 'audio-host-requirements', message, hint: 'Apple Podcasts requires hosts to answer HEAD requests and byte ranges; ask your host, or move the audio' };
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** One request, its redirects followed and its body read up to `bodyLimit` bytes. Network trouble is a failure, not a throw. */
async function request(url: string, method: 'HEAD' | 'GET', headers: Record<string, string>, bodyLimit: number, settings: Settings): Promise<Outcome> {
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const signal = AbortSignal.timeout(settings.timeoutMs);
    try {
      const response = await settings.fetch(current, { method, headers, redirect: 'manual', signal });
      const location = response.headers.get('location');
      if (REDIRECTS.has(response.status) && location !== null) {
        await response.body?.cancel();
        if (redirects === settings.maxRedirects) return { failure: `more than ${settings.maxRedirects} redirects` };
        current = new URL(location, current).href;
        continue;
      }
      const body = response.ok && bodyLimit > 0 ? await readAtMost(response, bodyLimit) : new Uint8Array();
      if (!response.ok || bodyLimit === 0) await response.body?.cancel();
      return { response, url: current, body };
    } catch (error) {
      return { failure: describeFailure(error, settings.timeoutMs) };
    }
  }
}

/** The first `limit` bytes of the body; the rest is never downloaded. */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array> {
  if (response.body === null) return new Uint8Array();
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  while (length < limit) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    length += value.length;
  }
  if (length >= limit) await reader.cancel();
  return Buffer.concat(chunks).subarray(0, limit);
}

function describeFailure(error: unknown, timeoutMs: number): string {
  const { name, message, cause } = error as Error & { cause?: { code?: string; message?: string } };
  if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const reason = cause?.code ?? cause?.message;
  return reason === undefined ? message : `${message} (${reason})`;
}

function statusText(response: Response): string {
  return `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
}

function contentLength(response: Response): number | undefined {
  const value = response.headers.get('content-length');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : undefined;
}

/** `bytes 0-65535/48213377` → 48213377. */
function contentRangeTotal(response: Response): number | undefined {
  const match = /^bytes\s+\d+-\d+\/(\d+)$/i.exec(response.headers.get('content-range')?.trim() ?? '');
  return match ? Number(match[1]) : undefined;
}

/** An audio or video media type from a Content-Type header, under the name podcast apps know. */
function mediaType(header: string | null): string | undefined {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || !/^(audio|video)\/[a-z0-9.+-]+$/.test(type)) return undefined;
  return Object.hasOwn(MISTAKEN_MEDIA_TYPES, type) ? MISTAKEN_MEDIA_TYPES[type] : type;
}
