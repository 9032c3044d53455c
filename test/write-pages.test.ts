import { describe, expect, it, vi } from 'vitest';

const events: string[] = [];

// Pages rendered at once, their order recorded: what is tested is when writePages renders and writes.
vi.mock('../src/pages.js', () => ({
  renderSpecs: (_settings: unknown, _renderer: unknown, _templates: unknown, specs: { output: string }[]) => {
    events.push(`render ${specs[0]!.output}`);
    return { value: specs.map((spec) => ({ path: spec.output, contents: `<p>${spec.output}</p>` })), diagnostics: [], rendered: specs.map((spec) => spec.output) };
  },
}));

const { PAGE_BATCH, writePages } = await import('../src/write-pages.js');

/** Lets every pending callback and promise reaction run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('writePages', () => {
  it('renders the next batch of pages while the last one is being written, and gives every path in order', async () => {
    const writes: { first: string; finish: () => void }[] = [];
    const staging = {
      writeFiles: (files: { path: string }[]) =>
        new Promise<void>((resolve) => {
          events.push(`write ${files[0]!.path}`);
          writes.push({ first: files[0]!.path, finish: () => (events.push(`written ${files[0]!.path}`), resolve()) });
        }),
    };
    const specs = Array.from({ length: PAGE_BATCH * 2 + 1 }, (_, index) => ({ output: `page-${index}.html` }));
    const progress: number[] = [];
    const writing = writePages(staging as never, {} as never, {} as never, new Map(), specs as never, {} as never, undefined, (done) => progress.push(done));

    await settle();
    expect(events).toEqual(['render page-0.html', 'write page-0.html', `render page-${PAGE_BATCH}.html`]);
    writes[0]!.finish();
    await settle();
    // The second batch is written only once the first is on disk; the third renders meanwhile.
    expect(events.slice(3)).toEqual(['written page-0.html', `write page-${PAGE_BATCH}.html`, `render page-${PAGE_BATCH * 2}.html`]);
    writes[1]!.finish();
    await settle();
    writes[2]!.finish();
    const { value, rendered } = await writing;
    expect(value).toEqual(specs.map((spec) => spec.output));
    expect(rendered).toEqual(value);
    expect(progress).toEqual([PAGE_BATCH, PAGE_BATCH * 2, PAGE_BATCH * 2 + 1]);
  });
});
