import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { sendWithoutLookup } from './syncLookup.ts';

/** Counts calls of the socket's native send (the UDP handle's), to see when a packet really leaves. */
function nativeSends(socket: Socket): { count: number } {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol')!;
  const handle = (socket as unknown as Record<symbol, { handle: { send: (...a: unknown[]) => unknown } }>)[sym]!.handle;
  const counter = { count: 0 };
  const send = handle.send.bind(handle);
  handle.send = (...a: unknown[]) => {
    counter.count++;
    return send(...a);
  };
  return counter;
}

describe('sendWithoutLookup', () => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });

  it('sends to an IPv4 literal within the call, and still resolves names', async () => {
    const rx = createSocket('udp4');
    const tx = createSocket('udp4');
    sockets.push(rx, tx);
    rx.bind(0, '127.0.0.1');
    await once(rx, 'listening');
    const port = rx.address().port;
    const got: string[] = [];
    rx.on('message', (m) => got.push(m.toString()));
    tx.bind(0, '127.0.0.1');
    await once(tx, 'listening');
    const sends = nativeSends(tx);

    tx.send([Buffer.from('before')], port, '127.0.0.1');
    expect(sends.count).toBe(0); // Node's own path: the packet waits for the next tick

    sendWithoutLookup(tx);
    sendWithoutLookup(tx); // idempotent
    const before = sends.count;
    tx.send([Buffer.from('a'), Buffer.from('b')], port, '127.0.0.1');
    expect(sends.count).toBe(before + 1); // sent before send() returned
    tx.send(Buffer.from('named'), port, 'localhost'); // not a literal: resolved as before
    const end = Date.now() + 5_000;
    while (got.length < 3 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(got.sort()).toEqual(['ab', 'before', 'named']);
  });
});
