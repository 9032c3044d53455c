import { spawn } from 'node:child_process';
import path from 'node:path';
import type { CliIo, CommandOptions } from '../cli.js';
import { lockOutput, outputLocked } from '../build-lock.js';
import { startDev } from '../dev/dev.js';
import { devOutputFolder, type DevBuild } from '../dev/session.js';
import { INTERRUPTED_EXIT_CODE, plural, printDiagnosticText, shownDiagnostics, siteCounts, warningsSuffix } from './diagnostics.js';

/** Serves the site, rebuilds on every save, and stops cleanly on Ctrl-C. */
export async function runDev(options: CommandOptions, io: CliIo): Promise<number> {
  const { host, warning } = listenAddress(options.host);
  // Two dev servers of one project would write the same folder; a build writes its own output, and is not kept out.
  const folder = devOutputFolder(io.cwd, options.config);
  const locking = lockOutput(folder, 'dev');
  // Ctrl-C during the first build (a large archive takes a while) stops it as it stops podsite build:
  // with a line, not silently, and the lock released, once taken if it is being taken.
  const interruptedBeforeServing = () => {
    io.stderr('Interrupted: podsite dev stopped during its first build, before serving.');
    void locking
      .then((locked) => ('lock' in locked ? locked.lock.release() : undefined))
      .catch(() => undefined)
      .finally(() => process.exit(INTERRUPTED_EXIT_CODE));
  };
  process.once('SIGINT', interruptedBeforeServing);
  const serving = () => process.off('SIGINT', interruptedBeforeServing);
  try {
    const locked = await locking;
    if ('holder' in locked) {
      printDiagnosticText([outputLocked(path.relative(io.cwd, folder), locked.holder, path.relative(io.cwd, locked.file))], io);
      return 1;
    }
    try {
      return await serve(options, io, host, warning, serving);
    } finally {
      await locked.lock.release();
    }
  } finally {
    serving();
  }
}

async function serve(options: CommandOptions, io: CliIo, host: string, warning: string | undefined, serving: () => void): Promise<number> {
  const report = (built: DevBuild) => {
    printDiagnosticText(shownDiagnostics(built.diagnostics, options), io);
    const ms = Math.round(built.ms);
    if (!built.ok) io.stderr(`Build failed in ${ms} ms; the last good site is still served.`);
    else if (!options.quiet) {
      const counted = built.result.stats ? ` ${siteCounts(built.result.stats)}` : '';
      io.stdout(`${built.full ? 'Built' : 'Rebuilt'}${counted} in ${ms} ms${warningsSuffix(built.diagnostics)}: ${plural(built.changed.length, 'file')} changed.`);
    }
  };
  const dev = await startDev({
    cwd: io.cwd,
    host,
    port: options.port ?? 4000,
    onBuild: report,
    ...(options.config !== undefined && { config: options.config }),
    ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl }),
    ...(options.jobs !== undefined && { jobs: options.jobs }),
  }).catch((error: NodeJS.ErrnoException) => {
    const problem = listenProblem(error, host, options.port ?? 4000);
    if (problem === undefined) throw error;
    io.stderr(`podsite: ${problem}`);
    return undefined;
  });
  if (dev === undefined) return 1;
  if (dev.server.requestedPortTaken && !options.quiet) io.stdout(`Port ${options.port ?? 4000} is taken; using ${dev.server.port} instead.`);
  // Listening for Ctrl-C before saying to press it: a signal with no listener yet kills the process at once, mid-write.
  serving();
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  io.stdout(`Serving at ${dev.url} (drafts and future episodes included). Writing to ${path.relative(io.cwd, dev.session.outputFolder)}/. Press Ctrl-C to stop.`);
  if (warning !== undefined) io.stderr(warning);
  if (options.open) openBrowser(dev.url);
  await stopped;
  await dev.close();
  io.stdout('Stopped.');
  return 0;
}

/** Why the server could not listen, when the address or port asked for is the cause: a user's mistake, not a bug. */
function listenProblem(error: NodeJS.ErrnoException, host: string, port: number): string | undefined {
  switch (error.code) {
    case 'EADDRINUSE':
      return `port ${port} and the ones after it are taken; stop what uses them, or choose another with --port N (--port 0 takes any free one)`;
    case 'EACCES':
      return `this user may not listen on port ${port} (ports under 1024 need special rights); choose another with --port N`;
    case 'EADDRNOTAVAIL':
      return `--host ${host} is not an address of this machine; leave --host out (127.0.0.1), or give one of its addresses`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `--host ${host} is not a name this machine can find; leave --host out (127.0.0.1), or give an IP address`;
    default:
      return undefined;
  }
}

/**
 * Where the dev server listens: the loopback interface unless `--host` says otherwise, since it
 * serves drafts and future episodes; with a warning for any address that is not a loopback one.
 */
export function listenAddress(requested: string | undefined): { host: string; warning?: string } {
  const host = requested ?? '127.0.0.1';
  const loopback = host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
  return loopback ? { host } : { host, warning: `Warning: --host ${host} makes the dev server, drafts included, reachable from other machines.` };
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  // Opening a browser is a convenience: if there is none, the URL above is enough.
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}
