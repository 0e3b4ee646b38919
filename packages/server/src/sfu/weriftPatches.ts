import { Connection } from 'werift';

/**
 * werift's ICE agent falls back to stun.l.google.com:19302 whenever no STUN server is
 * configured, even with `iceServers: []`. An SFU gathers host candidates only (its public
 * address is configured), and no traffic may leave the machine unasked, so without a configured
 * STUN server we keep none. Applied once, at import.
 */
const proto = Connection.prototype as unknown as {
  applyStunTurnServersFromOptions: (this: PatchedConnection) => void;
  __conveneNoDefaultStun?: boolean;
};
interface PatchedConnection {
  stunServer: unknown;
  options: { stunServer?: unknown };
}
if (!proto.__conveneNoDefaultStun) {
  const original = proto.applyStunTurnServersFromOptions;
  proto.applyStunTurnServersFromOptions = function (this: PatchedConnection) {
    original.call(this);
    if (!this.options.stunServer) this.stunServer = undefined;
  };
  proto.__conveneNoDefaultStun = true;
}
