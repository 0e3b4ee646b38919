import dgram from 'node:dgram';

/**
 * A UDP relay on loopback that drops a share of the media the server sends to one client, to
 * test recovery from loss on a real network path (no hooks in the server). The client is given
 * the relay's address instead of the server's candidates (see `rewriteCandidates`); STUN, DTLS and
 * RTCP always pass, RTP from the server is dropped with probability `loss`.
 */
export class LossyRelay {
  private target: { address: string; port: number } | null = null;
  private client: { address: string; port: number } | null = null;
  dropped = 0;
  passed = 0;

  private constructor(
    private readonly socket: dgram.Socket,
    public loss: number,
  ) {
    socket.on('message', (msg, from) => {
      const t = this.target;
      if (!t) return;
      if (from.address === t.address && from.port === t.port) {
        if (!this.client) return;
        // https://www.rfc-editor.org/rfc/rfc7983#section-7: 128–191 = RTP/RTCP; RTCP packet types are 192–223.
        const rtp = msg[0]! >= 128 && msg[0]! <= 191 && !(msg[1]! >= 192 && msg[1]! <= 223);
        if (rtp && Math.random() < this.loss) {
          this.dropped++;
          return;
        }
        this.passed++;
        socket.send(msg, this.client.port, this.client.address);
      } else {
        this.client = { address: from.address, port: from.port };
        socket.send(msg, t.port, t.address);
      }
    });
  }

  static async create(loss: number): Promise<LossyRelay> {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new LossyRelay(s, loss);
  }

  get port(): number {
    return this.socket.address().port;
  }

  /** Point the relay at the server's loopback candidate in `sdp` and put the relay in its place. */
  rewriteCandidates(sdp: string): string {
    const m = /a=candidate:\S+ 1 udp \d+ 127\.0\.0\.1 (\d+) typ host/.exec(sdp);
    if (!m) return sdp;
    this.target = { address: '127.0.0.1', port: Number(m[1]) };
    const lines = sdp.split('\r\n').filter((l) => !l.startsWith('a=candidate:'));
    const out: string[] = [];
    for (const l of lines) {
      out.push(l);
      if (l.startsWith('a=ice-pwd:')) out.push(`a=candidate:1 1 udp 2130706431 127.0.0.1 ${this.port} typ host`);
    }
    return out.join('\r\n');
  }

  close(): void {
    this.socket.close();
  }
}
