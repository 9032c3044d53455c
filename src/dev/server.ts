import { open, readFile, realpath, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CLIENT_SCRIPT } from './client.js';

export interface OverlayDiagnostic {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  hint?: string;
  frame?: string;
}

/** What the browser is told after a build. */
export interface BuildEvent {
  errors: OverlayDiagnostic[];
  /** URL paths of changed files, with the base path. */
  changed: string[];
  reload: boolean;
}

export interface DevServerOptions {
  folder: string;
  /** The site's base path, `/` or `/show/`. */
  basePath: string;
  host: string;
  port: number;
  /** How many following ports to try when the chosen one is taken. */
  portAttempts?: number;
  /** Milliseconds a client has to send the head of its request (10 s): a half request does not hold its socket for long. */
  headersTimeout?: number;
}

export interface DevServer {
  url: string;
  port: number;
  /** The port asked for, when it was taken and another was used. */
  requestedPortTaken: boolean;
  notify(event: BuildEvent): void;
  close(): Promise<void>;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  // As static hosts serve it: browsers apply the feed's XSL stylesheet only to an XML type, and sitemap.xml is not RSS.
  '.xml': 'application/xml; charset=utf-8',
  '.xsl': 'text/xsl; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.vtt': 'text/vtt; charset=utf-8',
  '.srt': 'application/x-subrip; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/x-m4a',
  '.mp4': 'video/mp4',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

const EVENTS_PATH = '__podsite/events';
const CLIENT_PATH = '__podsite/client.js';

/**
 * Serves the dev output folder: folders by their index.html, the site's 404 page, the base path,
 * and never a file outside the folder. HTML pages get the live-reload script.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const root = await realpath(options.folder).catch(() => path.resolve(options.folder));
  const clients = new Set<http.ServerResponse>();
  let last: BuildEvent = { errors: [], changed: [], reload: false };
  const scriptTag = `<script src="${options.basePath}${CLIENT_PATH}" data-events="${options.basePath}${EVENTS_PATH}"></script>`;

  const headersTimeout = options.headersTimeout ?? 10_000;
  const server = http.createServer({ headersTimeout, requestTimeout: Math.max(headersTimeout, 30_000), connectionsCheckingInterval: Math.min(headersTimeout, 30_000) / 2 }, (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('podsite dev: could not serve this file');
    });
  });

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const target = request.url ?? '/';
    // An origin-form target is a path, even one that starts with `//` (which `new URL` would take for a host).
    const url = new URL(target.startsWith('/') ? `http://localhost${target}` : target, 'http://localhost');
    if (!url.pathname.startsWith(options.basePath)) {
      if (url.pathname === '/' || url.pathname === options.basePath.slice(0, -1)) {
        response.writeHead(302, { location: options.basePath }).end();
      } else {
        await notFound(response);
      }
      return;
    }
    const relative = url.pathname.slice(options.basePath.length);
    if (relative === EVENTS_PATH) return openEvents(response);
    if (relative === CLIENT_PATH) {
      response.writeHead(200, { 'content-type': TYPES['.js']!, 'cache-control': 'no-store' }).end(CLIENT_SCRIPT);
      return;
    }
    const file = await resolveFile(relative);
    if (file === 'redirect') {
      response.writeHead(301, { location: `${url.pathname}/${url.search}` }).end();
      return;
    }
    if (file === undefined || !(await send(response, file, 200, request.method === 'HEAD'))) await notFound(response);
  }

  /** The file for a URL path inside the folder, `redirect` for a folder named without its slash. */
  async function resolveFile(relative: string): Promise<string | 'redirect' | undefined> {
    let decoded: string;
    try {
      decoded = decodeURIComponent(relative);
    } catch {
      return undefined;
    }
    // Traversal is refused before touching the disk: no `..`, no backslash, no NUL.
    if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').some((part) => part === '..')) return undefined;
    const candidate = path.join(root, decoded);
    const info = await stat(candidate).catch(() => undefined);
    if (info === undefined) return undefined;
    const target = info.isDirectory() ? path.join(candidate, 'index.html') : candidate;
    if (info.isDirectory() && !decoded.endsWith('/') && decoded !== '') return 'redirect';
    // A symbolic link inside the folder may not lead out of it.
    const real = await realpath(target).catch(() => undefined);
    if (real === undefined || (real !== root && !real.startsWith(root + path.sep))) return undefined;
    return (await stat(real).catch(() => undefined))?.isFile() ? real : undefined;
  }

  async function notFound(response: http.ServerResponse): Promise<void> {
    const page = path.join(root, '404.html');
    if ((await stat(page).catch(() => undefined))?.isFile() && (await send(response, page, 404, false))) return;
    response.writeHead(404, { 'content-type': TYPES['.txt']! }).end('Not found');
  }

  /**
   * Sends a file; false when it could not be opened. The dev writer removes and replaces files
   * while browsers fetch them: a file found by `resolveFile` may be gone when it is opened, and
   * a stream error with no listener would end the whole process.
   */
  async function send(response: http.ServerResponse, file: string, status: number, headOnly: boolean): Promise<boolean> {
    const type = TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    const headers = { 'content-type': type, 'cache-control': 'no-store' };
    if (type.startsWith('text/html')) {
      const html = await readFile(file, 'utf8').catch(() => undefined);
      if (html === undefined) return false;
      const withScript = html.includes('</body>') ? html.replace('</body>', `${scriptTag}</body>`) : html + scriptTag;
      response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(withScript) });
      response.end(headOnly ? undefined : withScript);
      return true;
    }
    // Opened before the status is sent, so that a file gone since it was found is still a 404.
    const handle = await open(file, 'r').catch(() => undefined);
    if (handle === undefined) return false;
    response.writeHead(status, headers);
    if (headOnly) {
      await handle.close();
      response.end();
      return true;
    }
    // A read that fails halfway (or a browser that goes away) ends this response only; the stream closes the handle.
    await pipeline(handle.createReadStream(), response).catch(() => response.destroy());
    return true;
  }

  function openEvents(response: http.ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    // A page that opens while the build is broken shows the overlay at once.
    response.write(`retry: 500\nevent: build\ndata: ${JSON.stringify({ ...last, changed: [], reload: false })}\n\n`);
    clients.add(response);
    response.on('close', () => clients.delete(response));
  }

  const port = await listen(server, options.host, options.port, options.portAttempts ?? 20);
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}${options.basePath}`,
    port,
    requestedPortTaken: options.port !== 0 && port !== options.port,
    notify(event) {
      last = event;
      const message = `event: build\ndata: ${JSON.stringify(event)}\n\n`;
      for (const client of clients) client.write(message);
    },
    close() {
      for (const client of clients) client.end();
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Listens on `port`, or on the next free one when it is taken. */
async function listen(server: http.Server, host: string, port: number, attempts: number): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    const tried = port === 0 ? 0 : port + attempt;
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(tried, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt + 1 >= attempts || port === 0) throw error;
    }
  }
}
