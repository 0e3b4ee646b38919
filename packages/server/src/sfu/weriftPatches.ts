import { Connection } from 'werift';

/**
 * Changes to werift's ICE agent (`Connection`), applied once, at import.
 *
 * 1. werift falls back to stun.l.google.com:19302 whenever no STUN server is configured, even
 *    with `iceServers: []`. An SFU gathers host candidates only (its public address is
 *    configured), and no traffic may leave the machine unasked, so without a configured STUN
 *    server we keep none.
 *
 * 2. A peer whose SDP gives no candidate we can use (only mDNS `.local` names, which
 *    clientSdp.ts drops: Firefox by default) must be learnt from its connectivity checks as a
 *    peer-reflexive candidate (https://www.rfc-editor.org/rfc/rfc8445#section-7.3.1.3).
 *    werift's `connect()` instead gives up at once when its check list is empty and the peer
 *    has signalled a=end-of-candidates ("ICE negotiation failed"): as the answerer of a publish
 *    offer it starts before the client has even seen our answer, so Firefox (whose offers end
 *    their candidates so) could never publish. We hold `connect()` back until the
 *    peer has a candidate or its first check has arrived (werift keeps such early checks and
 *    turns them into a pair when `connect()` runs), for at most PEER_CHECK_WAIT_MS.
 */
const PEER_CHECK_WAIT_MS = 15_000;

interface PatchedConnection {
  stunServer: unknown;
  options: { stunServer?: unknown };
  remoteCandidates: unknown[];
  earlyChecks: unknown[];
  state: string;
}
const proto = Connection.prototype as unknown as {
  applyStunTurnServersFromOptions: (this: PatchedConnection) => void;
  connect: (this: PatchedConnection) => Promise<void>;
  __convenePatched?: boolean;
};
if (!proto.__convenePatched) {
  const applyStunTurn = proto.applyStunTurnServersFromOptions;
  proto.applyStunTurnServersFromOptions = function (this: PatchedConnection) {
    applyStunTurn.call(this);
    if (!this.options.stunServer) this.stunServer = undefined;
  };

  const connect = proto.connect;
  proto.connect = async function (this: PatchedConnection) {
    const end = Date.now() + PEER_CHECK_WAIT_MS;
    while (this.remoteCandidates.length === 0 && this.earlyChecks.length === 0 && this.state !== 'closed' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return connect.call(this);
  };
  proto.__convenePatched = true;
}
