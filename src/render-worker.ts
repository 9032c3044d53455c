import { parentPort } from 'node:worker_threads';
import { renderMarkdown } from './markdown.js';
import type { RenderBatch, RenderReply } from './render-pool.js';

// Started by render-pool.ts, never imported: the pool sends batches of notes and gets them back rendered.
const port = parentPort;
if (port === null) throw new Error('render-worker.js runs only as a worker thread of render-pool.js');
port.on('message', (batch: RenderBatch) => {
  let reply: RenderReply;
  try {
    reply = { id: batch.id, notes: batch.markdowns.map((markdown) => renderMarkdown(markdown, batch.options)) };
  } catch (error) {
    // Sent as a reply rather than thrown, so the pool can say which batch failed and stop at once.
    reply = { id: batch.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  port.postMessage(reply);
});
