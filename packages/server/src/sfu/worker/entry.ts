/** Media worker thread entry: one WorkerHost per thread, driven by messages from SfuPool. */
import { parentPort, workerData } from 'node:worker_threads';
import { ConveneError } from '@convene/protocol';
import type { TransportNetworkOptions } from '../codecs.ts';
import type { FromWorker, ToWorker } from './messages.ts';
import { WorkerHost } from './WorkerHost.ts';

// A throw inside werift's socket callbacks must not take down every room of this worker:
// report it and keep serving (the affected transport fails and its client reconnects).
process.on('uncaughtException', (err) => console.error('[media worker] uncaught exception', err));
process.on('unhandledRejection', (err) => console.error('[media worker] unhandled rejection', err));

const port = parentPort;
if (!port) throw new Error('entry.ts must run in a worker thread');
const net = (workerData as { net: TransportNetworkOptions }).net;
const host = new WorkerHost(net, (payload) => port.postMessage({ kind: 'event', payload } satisfies FromWorker));

port.on('message', (msg: ToWorker | 'shutdown') => {
  if (msg === 'shutdown') {
    // Graceful stop (lets --cpu-prof write this thread's profile).
    host.close();
    process.exit(0);
  }
  host.handle(msg.method, msg.args as never).then(
    (result) => port.postMessage({ kind: 'result', id: msg.id, ok: true, result } satisfies FromWorker),
    (err: unknown) => {
      const e = err instanceof ConveneError ? err : new ConveneError('INTERNAL', 'media worker error', { cause: err });
      if (!(err instanceof ConveneError)) console.error('media worker error', err);
      port.postMessage({ kind: 'result', id: msg.id, ok: false, error: { code: e.code, message: e.message } } satisfies FromWorker);
    },
  );
});
