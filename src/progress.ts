/** Where the bar is drawn: stderr when it is a terminal. */
export interface ProgressTerminal {
  write: (text: string) => void;
  columns: number;
}

export interface ProgressBarOptions {
  /** A quick build shows no bar at all: it would only flicker. */
  delayMs?: number;
  /** Redraws at most this often: a terminal redrawn for each of 20,000 notes slows the build down. */
  intervalMs?: number;
  /** The clock; tests pin it. */
  now?: () => number;
}

const ERASE_LINE = '\r\u001b[K';

/**
 * One line on stderr that says which stage the build is in and, in the long ones, how far it is.
 * It draws nothing until the build has lasted `delayMs`, and `clear()` erases it before anything
 * else is printed. `tick()` is called by a timer and by every update; it decides whether to draw.
 */
export class ProgressBar {
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly started: number;
  private lastDrawn = -Infinity;
  private shown = '';
  private state = { stage: '', done: 0, total: 0 };

  constructor(
    private readonly terminal: ProgressTerminal,
    options: ProgressBarOptions = {},
  ) {
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.started = this.now();
  }

  update(stage: string, done: number, total: number): void {
    this.state = { stage, done, total };
    this.tick();
  }

  tick(): void {
    const now = this.now();
    if (now - this.started < this.delayMs || now - this.lastDrawn < this.intervalMs || this.state.stage === '') return;
    const line = this.line();
    if (line === this.shown) return;
    this.lastDrawn = now;
    this.shown = line;
    this.terminal.write(`${ERASE_LINE}${line}`);
  }

  /** Erases the bar, if it was drawn, so that the summary or the diagnostics start on a clean line. */
  clear(): void {
    if (this.shown !== '') this.terminal.write(ERASE_LINE);
    this.shown = '';
  }

  private line(): string {
    const { stage, done, total } = this.state;
    // One column short of the width: a line that fills it wraps on some terminals, and \r then erases only the second row.
    const width = Math.max(20, this.terminal.columns - 1);
    if (total <= 0) return `Building: ${stage}…`.slice(0, width);
    const count = ` ${done}/${total} ${stage}`;
    const barWidth = Math.max(10, Math.min(40, width - count.length - 12));
    const filled = Math.round((Math.min(done, total) / total) * barWidth);
    return `Building [${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]${count}`.slice(0, width);
  }
}

/**
 * A bar driven by a timer as well as by the build's updates, so that it appears after the delay
 * even in a stage that says nothing for a while. `stop()` erases it and stops the timer.
 */
export function startProgressBar(terminal: ProgressTerminal, options: ProgressBarOptions = {}): { update: ProgressBar['update']; stop: () => void } {
  const bar = new ProgressBar(terminal, options);
  const timer = setInterval(() => bar.tick(), options.intervalMs ?? 100);
  // The bar never keeps the process alive.
  timer.unref();
  return {
    update: (stage, done, total) => bar.update(stage, done, total),
    stop: () => {
      clearInterval(timer);
      bar.clear();
    },
  };
}
