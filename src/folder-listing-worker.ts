import { parentPort, workerData } from 'node:worker_threads';
import { listFolder } from './folder-listing.js';

// Started by folder-listing.ts, never imported: lists one folder and says what it holds.
const port = parentPort;
if (port === null) throw new Error('folder-listing-worker.js runs only as a worker thread of folder-listing.js');
try {
  const { root, withIdentities } = workerData as { root: string; withIdentities: boolean };
  port.postMessage(listFolder(root, withIdentities));
} catch (error) {
  // The code of a problem of the machine (EACCES, EIO) goes with it: the build turns it into a diagnostic.
  port.postMessage({ error: error instanceof Error ? error.message : String(error), code: (error as NodeJS.ErrnoException).code });
}
