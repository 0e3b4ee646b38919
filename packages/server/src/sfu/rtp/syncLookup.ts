import { lookup as dnsLookup } from 'node:dns';
import { isIPv4 } from 'node:net';

type LookupCallback = (err: Error | null, address: string, family?: number) => void;
interface UdpHandle {
  lookup?: (address: string, cb: LookupCallback) => void;
}

const patched = new WeakSet<object>();

/**
 * Makes `socket.send(…, port, ip)` send at once for an IPv4 literal.
 *
 * Node's unconnected dgram `send` resolves the address first, and for an IP literal
 * `dns.lookup` answers on the next tick: every packet to every subscriber paid a closure, a
 * `process.nextTick` and a trip through the tick queue before reaching the socket (≈ 3 % of the
 * forwarding thread's CPU in `perf`). The socket's resolver is the handle's `lookup` function
 * (lib/dgram.js: `handle.lookup = lookup4.bind(…)`, reached through the socket's
 * 'state symbol'); we answer literals synchronously, exactly as Node already does for a
 * connected socket, and pass anything else to `dns.lookup`. Without that internal (another Node
 * version) nothing changes.
 */
export function sendWithoutLookup(socket: object): void {
  if (patched.has(socket)) return;
  patched.add(socket);
  // IPv4 sockets only (the SFU gathers IPv4 candidates): an IPv6 socket resolves literals its own way.
  if ((socket as { type?: string }).type !== 'udp4') return;
  const sym = Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol');
  const handle = sym ? (socket as Record<symbol, { handle?: UdpHandle } | undefined>)[sym]?.handle : undefined;
  if (!handle || typeof handle.lookup !== 'function') return;
  let last = '';
  handle.lookup = (address, cb) => {
    if (address === last || isIPv4(address)) {
      last = address;
      cb(null, address, 4);
    } else {
      dnsLookup(address, 4, cb);
    }
  };
}
