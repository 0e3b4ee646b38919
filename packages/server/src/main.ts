/** `npm start` entry: one node with embedded defaults; stops cleanly on SIGINT/SIGTERM. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const webDist = process.env.WEB_DIST ?? path.resolve(here, '../../../apps/web/dist');
const server = await startServer({ WEB_DIST: webDist });
let stopping = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (stopping) return;
    stopping = true;
    server.log.info({ sig }, 'shutting down');
    void server.close().then(() => process.exit(0));
  });
}
