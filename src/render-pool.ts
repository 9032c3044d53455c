import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { MarkdownOptions, RenderedNotes } from './markdown.js';
import { loadMarkdownEngine } from './markdown-engine.js';
import { workerScript } from './worker-script.js';

/** How the notes of a build are spread over worker threads. */
export interface RenderPoolOptions {
  /** Threads rendering at most, the calling one included (so `jobs - 1` worker threads); 1 renders every note in the calling thread. */
  jobs: number;
  /**
   * Fewer notes than this render in the calling thread: a worker spends about as long loading the
   * Markdown engine as rendering a few dozen notes, so a small site would only wait for it.
   */
  minNotes: number;
  /** Notes per message: enough to make each message worth its copy, few enough that threads finish together. */
  batchSize: number;
  /** The worker's script; the compiled render-worker.js unless a test gives another. */
  worker?: URL;
}

export const defaults = {
  jobs: availableParallelism(),
  minNotes: 100,
  batchSize: 32,
} satisfies RenderPoolOptions;

/** The Markdown of many notes, read a batch at a time: an array, or texts read back from a spill. */
export interface Markdowns {
  readonly length: number;
  slice(start: number, end: number): string[];
}

/** A message to a worker. */
export interface RenderBatch {
  id: number;
  markdowns: string[];
  options: MarkdownOptions;
}

/** A worker's answer: the batch's notes in order, or the stack of what went wrong. */
export type RenderReply = { id: number; notes: RenderedNotes[] } | { id: number; error: string };

export interface RenderedAll {
  /** In the order of the Markdown given. */
  notes: RenderedNotes[];
  /** Worker threads used; 0 when the calling thread did it all. */
  workers: number;
}

/**
 * Renders many notes at once, in worker threads when there are enough of them to pay for the
 * threads' start. The result is the same as `renderMarkdown` on each, in the same order, each
 * passed through `keep` as soon as it is made (so that all of them need not be in memory at once).
 */
export async function renderAll(markdowns: Markdowns, markdown: MarkdownOptions, options: Partial<RenderPoolOptions> = {}, keep: (notes: RenderedNotes) => RenderedNotes = (notes) => notes): Promise<RenderedAll> {
  if (markdowns.length === 0) return { notes: [], workers: 0 };
  const settings = { ...defaults, ...options };
  const batchSize = Math.max(1, Math.min(settings.batchSize, Math.ceil(markdowns.length / (settings.jobs * 4))));
  // Each batch's Markdown is read as the batch is taken: never all of it at once.
  const batches: (() => RenderBatch)[] = [];
  for (let start = 0; start < markdowns.length; start += batchSize) {
    const id = batches.length;
    batches.push(() => ({ id, markdowns: markdowns.slice(start, start + batchSize), options: markdown }));
  }
  // The calling thread is one of the `jobs` threads: it would only wait during this stage, while a
  // worker thread costs a heap of its own (60 to 100 MB while it renders: remark's garbage awaiting
  // a full collection, its young generation, its code), which made the peak memory of a first build.
  const workers = Math.min(settings.jobs - 1, batches.length - 1);
  // Loaded only by a build that renders notes in this thread.
  const { renderMarkdown } = await loadMarkdownEngine();
  if (workers <= 0 || markdowns.length < settings.minNotes) {
    const notes: RenderedNotes[] = [];
    for (const batch of batches) for (const text of batch().markdowns) notes.push(keep(renderMarkdown(text, markdown)));
    return { notes, workers: 0 };
  }
  const done = await inThreads(batches, workers, settings.worker ?? workerScript('render-worker', import.meta.url), keep, renderMarkdown);
  const notes: RenderedNotes[] = [];
  for (const batch of done) notes.push(...batch);
  return { notes, workers };
}

/** One worker thread for a few notes, started before they are known, so that it loads the Markdown engine meanwhile. */
export interface NotesWorker {
  /** The notes, in order; undefined when the thread failed in any way (the caller then renders them itself). Once. */
  render(markdowns: string[], markdown: MarkdownOptions): Promise<RenderedNotes[] | undefined>;
  /** Stops the thread, when it has nothing to render. */
  stop(): void;
}

/**
 * Starts a worker thread for the few notes of the episodes a build after an edit read: it loads the
 * Markdown engine and renders them while the calling thread goes on with the rest of the archive,
 * which then never loads the engine at all.
 */
export function startNotesWorker(worker?: URL): NotesWorker {
  let answer: (notes: RenderedNotes[] | undefined) => void = () => undefined;
  const answered = new Promise<RenderedNotes[] | undefined>((resolve) => (answer = resolve));
  let thread: Worker | undefined;
  try {
    // It loads its modules, the Markdown engine among them, as soon as it starts.
    thread = new Worker(worker ?? workerScript('render-worker', import.meta.url));
    thread.on('message', (reply: RenderReply) => answer('notes' in reply ? reply.notes : undefined));
    thread.on('error', () => answer(undefined));
    thread.on('messageerror', () => answer(undefined));
    thread.on('exit', () => answer(undefined));
  } catch {
    answer(undefined);
  }
  const stop = () => void thread?.terminate();
  return {
    render(markdowns, markdown) {
      thread?.postMessage({ id: 0, markdowns, options: markdown } satisfies RenderBatch);
      return answered.finally(stop);
    },
    stop,
  };
}


/**
 * Each thread, workers and the calling one, takes the next batch as soon as it is done with one, so
 * a slow batch does not hold the others. Any failure (a thrown error, a crash, a worker that cannot
 * start) rejects at once and stops every worker: a build must never wait on a thread that will not answer.
 */
function inThreads(batches: readonly (() => RenderBatch)[], count: number, script: URL, keep: (notes: RenderedNotes) => RenderedNotes, renderMarkdown: (markdown: string, options: MarkdownOptions) => RenderedNotes): Promise<RenderedNotes[][]> {
  return new Promise((resolve, reject) => {
    const results: RenderedNotes[][] = new Array(batches.length);
    const threads: Worker[] = [];
    let next = 0;
    let received = 0;
    let settled = false;
    const stop = () => Promise.all(threads.map((thread) => thread.terminate()));
    const fail = (reason: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      void stop().finally(() => reject(new Error(`rendering the notes in worker threads failed: ${reason}`, cause === undefined ? undefined : { cause })));
    };
    const receive = (id: number, notes: RenderedNotes[]) => {
      results[id] = notes;
      if (++received < batches.length) return;
      settled = true;
      void stop().then(() => resolve(results), reject);
    };
    const feed = (thread: Worker) => {
      if (next < batches.length) thread.postMessage(batches[next++]!());
    };
    for (let n = 0; n < count; n++) {
      const thread = new Worker(script);
      threads.push(thread);
      thread.on('message', (reply: RenderReply) => {
        if (settled) return;
        if ('error' in reply) return fail(`batch ${reply.id + 1} of ${batches.length}: ${reply.error}`);
        feed(thread);
        receive(reply.id, reply.notes.map(keep));
      });
      thread.on('error', (error) => fail(error.message, error));
      thread.on('messageerror', (error) => fail(`a reply could not be read (${error.message})`, error));
      thread.on('exit', (code) => fail(`a worker stopped (exit code ${code}) before the notes were rendered`));
      feed(thread);
    }
    void renderHere().catch((error: unknown) => fail(`the calling thread: ${error instanceof Error ? error.message : String(error)}`, error));

    /** The calling thread's share: a note at a time, the workers' replies let in between, so that none of them waits for its next batch. */
    async function renderHere(): Promise<void> {
      while (!settled && next < batches.length) {
        const batch = batches[next++]!();
        const notes: RenderedNotes[] = [];
        for (const text of batch.markdowns) {
          notes.push(keep(renderMarkdown(text, batch.options)));
          await new Promise((resume) => setImmediate(resume));
          if (settled) return;
        }
        receive(batch.id, notes);
      }
    }
  });
}
