import { describe, expect, it } from 'vitest';
import { UdpHooks, type UdpLike } from './udpHooks.ts';

function connection(n: number): { dtls: { iceTransport: { connection: { protocols: { transport?: UdpLike }[] } } }; seen: string[][] } {
  const seen: string[][] = [];
  const protocols = Array.from({ length: n }, (_, i) => {
    seen.push([]);
    return { transport: { socket: {}, onData: (d: Buffer) => seen[i]!.push(d.toString()) } as UdpLike };
  });
  return { dtls: { iceTransport: { connection: { protocols } } }, seen };
}

describe('UdpHooks', () => {
  it('takes what its handler claims, passes the rest to werift once, hooks new sockets on a second install, and gives the callbacks back on close', () => {
    const { dtls, seen } = connection(1);
    const taken: string[] = [];
    const hooks = new UdpHooks((d) => (d.toString().startsWith('rtp') ? (taken.push(d.toString()), true) : false));
    hooks.install(dtls);
    hooks.install(dtls); // again on reconnect: not hooked twice
    const udp0 = dtls.iceTransport.connection.protocols[0]!.transport!;
    udp0.onData(Buffer.from('rtp1'), null);
    udp0.onData(Buffer.from('stun'), null);
    expect(taken).toEqual(['rtp1']);
    expect(seen[0]).toEqual(['stun']);

    // An ICE restart added a socket; one without a socket (closed) is left alone.
    const added: string[] = [];
    dtls.iceTransport.connection.protocols.push({ transport: { socket: {}, onData: (d: Buffer) => added.push(d.toString()) } });
    dtls.iceTransport.connection.protocols.push({ transport: { onData: () => undefined } });
    hooks.install(dtls);
    dtls.iceTransport.connection.protocols[1]!.transport!.onData(Buffer.from('rtp2'), null);
    dtls.iceTransport.connection.protocols[1]!.transport!.onData(Buffer.from('dtls'), null);
    expect(taken).toEqual(['rtp1', 'rtp2']);
    expect(added).toEqual(['dtls']);

    hooks.close();
    udp0.onData(Buffer.from('rtp3'), null);
    expect(taken).toEqual(['rtp1', 'rtp2']);
    expect(seen[0]).toEqual(['stun', 'rtp3']);
    hooks.install(dtls); // closed: stays off
    udp0.onData(Buffer.from('rtp4'), null);
    expect(taken).toHaveLength(2);
  });
});
