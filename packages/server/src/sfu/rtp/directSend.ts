import { sendWithoutLookup } from './syncLookup.ts';

type SendList = readonly Buffer[];

/** The native UDP handle's send (Node's src/udp_wrap.cc `UDPWrap::Send`): bytes + 1 when sent at once, 0 when queued, < 0 on error. */
interface UdpHandle {
  send(req: SendReq, list: SendList, count: number, port: number, ip: string, hasCallback: boolean): number;
}
interface SendReq {
  list?: SendList;
}
interface SocketState {
  handle: UdpHandle | null;
  bindState: number;
  connectState: number;
}
interface DgramSocket {
  type?: string;
  send(list: SendList, port: number, ip: string): void;
}

// lib/dgram.js: BIND_STATE_BOUND, CONNECT_STATE_DISCONNECTED.
const BOUND = 2;
const DISCONNECTED = 0;

/** The SendWrap class of Node's udp_wrap binding, taken from the first request dgram makes. */
let SendWrap: (new () => SendReq) | null = null;

/**
 * Sends datagrams to an IPv4 literal straight through the socket's native handle.
 *
 * Per packet, dgram's `send` normalizes and validates its arguments, resolves the address (see
 * syncLookup.ts), enters an async-id scope and constructs a new native `SendWrap` request object,
 * only to learn that the kernel took the packet at once, as it almost always does. Here one
 * request object is reused for as long as sends complete synchronously (the native side keeps
 * it only when libuv queues a send: then the buffers are kept alive on it, as dgram does, and the
 * next send gets a new one). The class is taken from dgram's own first request on the socket,
 * so nothing outside what dgram itself calls is used. Anything unusual (socket not bound,
 * connected, closed; another Node whose internals differ) takes dgram's own path.
 */
export class DirectSend {
  private readonly state: SocketState | null;
  private req: SendReq | null = null;

  constructor(private readonly socket: DgramSocket) {
    const sym = socket.type === 'udp4' ? Object.getOwnPropertySymbols(socket).find((s) => s.description === 'state symbol') : undefined;
    const state = sym ? (socket as unknown as Record<symbol, SocketState | undefined>)[sym] : undefined;
    this.state = state && typeof state.handle?.send === 'function' ? state : null;
    sendWithoutLookup(socket);
  }

  /** Sends `list` as one datagram to `ip`:`port` (an IPv4 literal). */
  send(list: SendList, port: number, ip: string): void {
    const state = this.state;
    const handle = state?.handle;
    if (!handle || SendWrap === null || state.bindState !== BOUND || state.connectState !== DISCONNECTED) {
      if (handle && SendWrap === null) captureSendWrap(handle);
      this.socket.send(list, port, ip);
      return;
    }
    const req = (this.req ??= new SendWrap());
    // Errors are dropped, as dgram drops them for a send without a callback. A queued send keeps
    // its buffers alive on its request (as dgram does), and the next send takes a new request.
    if (handle.send(req, list, list.length, port, ip, false) === 0) {
      req.list = list;
      this.req = null;
    }
  }
}

/** Learns the SendWrap class from the request dgram passes to the handle on its next send. */
function captureSendWrap(handle: UdpHandle): void {
  if (Object.hasOwn(handle, 'send')) return;
  const native = handle.send;
  handle.send = function (this: UdpHandle, req, ...rest) {
    delete (handle as Partial<UdpHandle>).send;
    const ctor = (req as { constructor?: unknown }).constructor;
    if (typeof ctor === 'function' && ctor !== Object) SendWrap ??= ctor as new () => SendReq;
    return native.call(this, req, ...rest);
  };
}
