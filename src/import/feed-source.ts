import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

export interface FeedSourceOptions {
  cwd: string;
  /** The whole download, redirects included. */
  timeoutMs: number;
  /** Feeds of long-running shows reach tens of megabytes; past this, it is not a feed. */
  maxBytes: number;
}

export const feedSourceDefaults = { timeoutMs: 30_000, maxBytes: 64 * 1024 * 1024 } satisfies Omit<FeedSourceOptions, 'cwd'>;

export type FeedSource =
  /** `url`: the address the feed was finally read from, after redirects; undefined for a file. */
  | { text: string; url: string | undefined }
  | { error: string; hint?: string };

/** The feed's text, from a file or an http(s) URL (following redirects). */
export async function readFeedSource(source: string, options: FeedSourceOptions): Promise<FeedSource> {
  if (/^https?:\/\//i.test(source)) return download(source, options);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return { error: `\`${source}\` is neither a file nor an http(s) address` };
  const file = path.resolve(options.cwd, source);
  try {
    const size = (await stat(file)).size;
    if (size > options.maxBytes) return { error: `${source} is ${size} bytes, more than the ${options.maxBytes} a feed can be` };
    return { text: decodeFeed(await readFile(file)), url: undefined };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { error: code === 'ENOENT' ? `no file ${source}` : `cannot read ${source}: ${(error as Error).message}`, hint: 'give the path of a feed file, or its http(s) address' };
  }
}

async function download(url: string, { timeoutMs, maxBytes }: FeedSourceOptions): Promise<FeedSource> {
  const seconds = timeoutMs / 1000;
  try {
    const response = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1' } });
    if (!response.ok) {
      await response.body?.cancel();
      return { error: `${url} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`, hint: 'check the address of the feed' };
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      await response.body?.cancel();
      return { error: `${url} is ${declared} bytes, more than the ${maxBytes} a feed can be` };
    }
    const chunks: Uint8Array[] = [];
    let received = 0;
    const reader = response.body?.getReader();
    for (let chunk = await reader?.read(); reader !== undefined && chunk !== undefined && !chunk.done; chunk = await reader.read()) {
      received += chunk.value.byteLength;
      if (received > maxBytes) {
        await reader.cancel();
        return { error: `${url} sent more than the ${maxBytes} bytes a feed can be` };
      }
      chunks.push(chunk.value);
    }
    return { text: decodeFeed(Buffer.concat(chunks)), url: response.url || url };
  } catch (error) {
    const name = (error as Error).name;
    if (name === 'TimeoutError' || name === 'AbortError') return { error: `${url} did not answer within ${seconds} s`, hint: 'try again later, or download the feed and import the file' };
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { error: `cannot download ${url}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, hint: 'check the address and the network, or download the feed and import the file' };
  }
}

/** UTF-8 unless the XML declaration names another encoding (older feeds: ISO-8859-1, windows-1252). */
export function decodeFeed(bytes: Uint8Array): string {
  const declared = /^(?:\uFEFF)?<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(new TextDecoder('latin1').decode(bytes.subarray(0, 200)))?.[1];
  try {
    return new TextDecoder(declared ?? 'utf-8').decode(bytes);
  } catch {
    // An encoding TextDecoder does not know: UTF-8, the encoding of nearly every feed.
    return new TextDecoder('utf-8').decode(bytes);
  }
}
