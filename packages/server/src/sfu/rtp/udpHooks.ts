/** One of werift's UDP transports of an ICE connection: its socket callback is what we sit in front of. */
export interface UdpLike {
  onData: (data: Buffer, addr: unknown) => void;
  socket?: unknown;
}

/** The part of werift's DTLS transport that leads to its ICE connection's UDP transports. */
export interface WithUdpTransports {
  iceTransport: { connection: { protocols: { transport?: UdpLike }[] } };
}

/**
 * A handler in front of werift's UDP socket callbacks on one connection (RtpIngress for the
 * publisher's RTP, FeedbackTap for a subscriber's RTCP). The handler returns true when it took the
 * datagram; anything else goes on to werift unchanged. `install` is called again on every connect,
 * so sockets an ICE restart added get hooked too; `close` gives werift its callbacks back.
 */
export class UdpHooks {
  private readonly hooked = new Set<UdpLike>();
  private readonly restore: (() => void)[] = [];
  private closed = false;

  constructor(private readonly handler: (data: Buffer) => boolean) {}

  install(dtls: WithUdpTransports): void {
    if (this.closed) return;
    for (const proto of dtls.iceTransport.connection.protocols) {
      const udp = proto.transport;
      if (!udp || typeof udp.onData !== 'function' || !udp.socket || this.hooked.has(udp)) continue;
      const original = udp.onData;
      const handler = this.handler;
      udp.onData = (data, addr) => {
        if (!handler(data)) original(data, addr);
      };
      this.hooked.add(udp);
      this.restore.push(() => {
        udp.onData = original;
      });
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const r of this.restore) r();
    this.restore.length = 0;
    this.hooked.clear();
  }
}
