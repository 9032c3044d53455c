import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import * as fsPromises from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDevServer, type DevServer } from '../src/dev/server.js';
import { listenAddress } from '../src/commands/dev.js';

/**
 * A file whose name contains this is removed by the stub of `stat` the second time it is found: the
 * server's last look at it before reading it. The race of the dev writer, every time.
 */
const VANISHING = 'vanishing';
const seen = new Map<string, number>();

vi.mock('node:fs/promises', async (original) => {
  const actual = await original<typeof import('node:fs/promises')>();
  return {
    ...actual,
    stat: async (file: string, ...rest: []) => {
      const info = await actual.stat(file, ...rest);
      const times = (seen.get(String(file)) ?? 0) + 1;
      seen.set(String(file), times);
      if (String(file).includes(VANISHING) && info.isFile() && times === 2) await actual.unlink(file).catch(() => undefined);
      return info;
    },
  };
});

const SECRET = 'SECRET-OUTSIDE-THE-OUTPUT';

const servers: DevServer[] = [];
const temps: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await Promise.all(temps.splice(0).map((folder) => rm(folder, { recursive: true, force: true })));
});

/** An output folder with a page, a binary file and links that lead out of it, beside a secret file. */
async function serve(options: { headersTimeout?: number } = {}) {
  const temp = await mkdtemp(path.join(tmpdir(), 'survive-dev-'));
  temps.push(temp);
  const folder = path.join(temp, 'out');
  await mkdir(path.join(folder, 'show'), { recursive: true });
  await writeFile(path.join(temp, 'secret.txt'), SECRET);
  await writeFile(path.join(folder, 'index.html'), '<html><body>home</body></html>');
  await writeFile(path.join(folder, 'audio.mp3'), Buffer.alloc(1000, 7));
  await symlink(path.join(temp, 'secret.txt'), path.join(folder, 'link.txt'));
  await symlink(temp, path.join(folder, 'up'));
  const server = await startDevServer({ folder, basePath: '/', host: '127.0.0.1', port: 0, ...options });
  servers.push(server);
  return { server, folder, temp };
}

/** Sends these bytes as they are (fetch would normalise `..` and `%2e%2e`) and gives all the server answers until it closes. */
function raw(port: number, bytes: string | Buffer, { end = false, timeout = 20_000 } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeout} ms to ${JSON.stringify(String(bytes).slice(0, 80))}`));
    }, timeout);
    socket.on('data', (chunk) => received.push(chunk));
    // A reset after the answer (Node closes a connection it refused) is still an answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('latin1'));
    });
    socket.write(bytes);
    if (end) socket.end();
  });
}

const get = (target: string) => `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`;
const status = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1]);

describe('dev server', () => {
  it('answers 404, and stays up, when a file goes away between finding and reading it', async () => {
    const { server, folder } = await serve();
    for (const name of [`${VANISHING}.mp3`, `${VANISHING}.html`]) {
      await writeFile(path.join(folder, name), 'soon gone');
      const answer = await raw(server.port, get(`/${name}`));
      expect(status(answer), name).toBe(404);
    }
    expect(status(await raw(server.port, get('/audio.mp3')))).toBe(200);
  });

  it('refuses traversal in every encoding, and never serves a file outside the output', async () => {
    const { server } = await serve();
    const attempts = [
      '/../secret.txt',
      '/../../../../../../etc/passwd',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/%252e%252e%252fsecret.txt',
      '/secret.txt%00.html',
      '/%00',
      '/%c0%ae%c0%ae/secret.txt',
      '/%c0%af../secret.txt',
      '/%e0%80%ae%e0%80%ae/secret.txt',
      '/%',
      '/%zz',
      '//../secret.txt',
      '//secret.txt',
      '/link.txt',
      '/up/secret.txt',
      '/up/',
      'http://localhost/../secret.txt',
      'http://evil.example/%2e%2e/secret.txt',
      `file://${path.sep}etc/passwd`,
      '*',
      'secret.txt',
      '../secret.txt',
    ];
    for (const target of attempts) {
      const answer = await raw(server.port, get(target));
      expect(status(answer), target).toBeGreaterThanOrEqual(300);
      expect(status(answer), target).toBeLessThan(500);
      expect(answer, target).not.toContain(SECRET);
      expect(answer, target).not.toContain('root:');
    }
    expect(status(await raw(server.port, get('/')))).toBe(200);
  });

  it('answers malformed requests with a 4xx and stays up', async () => {
    const { server } = await serve();
    const requests: (string | Buffer)[] = [
      'garbage\r\n\r\n',
      'GET\r\n\r\n',
      'GET / HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /  HTTP/1.1 extra\r\nHost: x\r\n\r\n',
      `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`,
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n',
      'GET / HTTP/1.1\r\nBad Header\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: x\r\nX: \u0000\r\n\r\n',
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
      'DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ];
    for (const request of requests) {
      const answer = await raw(server.port, request);
      const shown = String(request).slice(0, 40);
      expect(status(answer), shown).toBeGreaterThanOrEqual(400);
      expect(status(answer), shown).toBeLessThan(500);
    }
    expect(status(await raw(server.port, get('/')))).toBe(200);
  });

  it('ends a half request with 408 once its time is up, and serves others meanwhile', async () => {
    const { server } = await serve({ headersTimeout: 1000 });
    const half = raw(server.port, 'GET / HTTP/1.1\r\nHost: loc', { end: false });
    const silent = raw(server.port, '', { end: false });
    expect(status(await raw(server.port, get('/')))).toBe(200);
    expect(status(await half)).toBe(408);
    await silent;
    expect(status(await raw(server.port, get('/')))).toBe(200);
  });

  it('answers 300 connections at once', async () => {
    const { server } = await serve();
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => raw(server.port, get(i % 2 === 0 ? '/' : '/audio.mp3'), { timeout: 50_000 })));
    expect(answers.map(status).filter((code) => code !== 200)).toEqual([]);
  });

  it('binds to 127.0.0.1 by default, and warns when told to listen on other interfaces', async () => {
    expect(listenAddress(undefined)).toEqual({ host: '127.0.0.1' });
    for (const host of ['127.0.0.1', 'localhost', '::1', '127.0.0.2']) expect(listenAddress(host), host).toEqual({ host });
    for (const host of ['0.0.0.0', '::', '192.168.1.10', '127.0.0.1.example.com']) expect(listenAddress(host).warning, host).toMatch(/--host .* reachable from other machines/);
  });
});
