import { main, type CliIo } from '../src/cli.js';

/** An io that keeps what a command prints, for tests that run commands through `main` or directly. */
export function capture(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), cwd, color: false };
  return { io, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}

/** `podsite <argv>` in `cwd`: its exit code and what it printed. */
export async function run(argv: string[], cwd: string) {
  const { io, stdout, stderr } = capture(cwd);
  const code = await main(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}
