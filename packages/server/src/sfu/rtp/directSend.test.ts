import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectSend } from './directSend.ts';

type NativeSend = (req: object, ...rest: unknown[]) => number;

/** Records the request object of every native send on the socket; `queueNext` makes the next one report "queued by libuv". */
function spyNative(socket: Socket): { reqs: object[]; queueNext: boolean } {
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol')!;
  const handle = (socket as unknown as Record<symbol, { handle: { send: NativeSend } }>)[sym]!.handle;
  const proto = Object.getPrototypeOf(handle) as { send: NativeSend };
  const spy = { reqs: [] as object[], queueNext: false };
  // On the prototype, so DirectSend's one-shot own-property capture still sits in front of it.
  const native = proto.send;
  proto.send = function (this: unknown, req: object, ...rest: unknown[]) {
    if (this === handle) spy.reqs.push(req);
    const r = native.call(this, req, ...rest);
    if (this === handle && spy.queueNext && r > 0) {
      spy.queueNext = false;
      return 0;
    }
    return r;
  };
  restore.push(() => {
    proto.send = native;
  });
  return spy;
}

const restore: (() => void)[] = [];

async function pair(): Promise<{ rx: Socket; tx: Socket; port: number; got: string[] }> {
  const rx = createSocket('udp4');
  const tx = createSocket('udp4');
  sockets.push(rx, tx);
  rx.bind(0, '127.0.0.1');
  await once(rx, 'listening');
  tx.bind(0, '127.0.0.1');
  await once(tx, 'listening');
  const got: string[] = [];
  rx.on('message', (m) => got.push(m.toString()));
  return { rx, tx, port: rx.address().port, got };
}

async function until(f: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!f() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

const sockets: Socket[] = [];
afterEach(() => {
  for (const r of restore.splice(0)) r();
  for (const s of sockets.splice(0)) s.close();
});

describe('DirectSend', () => {
  it('sends within the call, reusing one native request while sends complete at once', async () => {
    const { tx, port, got } = await pair();
    const spy = spyNative(tx);
    const d = new DirectSend(tx as never);
    d.send([Buffer.from('first')], port, '127.0.0.1'); // through dgram (learns the request class)
    d.send([Buffer.from('a'), Buffer.from('b')], port, '127.0.0.1');
    expect(spy.reqs.length).toBe(2); // both left before send() returned
    d.send([Buffer.from('c')], port, '127.0.0.1');
    expect(spy.reqs.length).toBe(3);
    expect(spy.reqs[2]).toBe(spy.reqs[1]); // one request object for both direct sends
    expect(spy.reqs[1]).not.toBe(spy.reqs[0]); // dgram made its own
    expect(spy.reqs[1]!.constructor).toBe(spy.reqs[0]!.constructor);
    await until(() => got.length === 3);
    expect(got).toEqual(['first', 'ab', 'c']);
  });

  it('takes a new request after one was queued, and keeps the queued buffers alive on it', async () => {
    const { tx, port, got } = await pair();
    const spy = spyNative(tx);
    const d = new DirectSend(tx as never);
    d.send([Buffer.from('0')], port, '127.0.0.1');
    spy.queueNext = true;
    const queued = [Buffer.from('1')];
    d.send(queued, port, '127.0.0.1');
    d.send([Buffer.from('2')], port, '127.0.0.1');
    d.send([Buffer.from('3')], port, '127.0.0.1');
    expect(spy.reqs.length).toBe(4);
    expect((spy.reqs[1] as { list?: unknown }).list).toBe(queued);
    expect(spy.reqs[2]).not.toBe(spy.reqs[1]);
    expect(spy.reqs[3]).toBe(spy.reqs[2]);
    await until(() => got.length === 4);
    expect(got).toEqual(['0', '1', '2', '3']);
  });

  it("leaves a connected socket to dgram, and sends nothing after close", async () => {
    const { tx, port, got } = await pair();
    const spy = spyNative(tx);
    const d = new DirectSend(tx as never);
    d.send([Buffer.from('x')], port, '127.0.0.1');
    d.send([Buffer.from('y')], port, '127.0.0.1');
    tx.connect(port, '127.0.0.1');
    await once(tx, 'connect');
    d.send([Buffer.from('z')], port, '127.0.0.1');
    await until(() => got.length === 3);
    expect(got).toEqual(['x', 'y', 'z']);
    expect(spy.reqs.length).toBe(3);
    expect(spy.reqs[2]).not.toBe(spy.reqs[1]); // dgram's own request: the direct path was not taken
    tx.close();
    sockets.splice(sockets.indexOf(tx), 1);
    expect(() => d.send([Buffer.from('late')], port, '127.0.0.1')).toThrow(/not running/i);
    expect(spy.reqs.length).toBe(3);
  });
});
