import type { ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';

/** What the ffmpeg processes of the media egresses (HLS, recordings, WHEP mix) have in common. */

/**
 * Input side: the SDP describing the worker's plain-RTP slots, read with no probing and no input
 * buffering. `stdin`: keep stdin open (a recorder stops ffmpeg gracefully by writing 'q').
 * `arrivalTime`: stamp every packet with its arrival time (for mixGraph's `resample`, the live
 * HLS broadcast).
 */
export function rtpInputArgs(sdp: string, opts: { stdin?: boolean; arrivalTime?: boolean } = {}): string[] {
  return [
    '-hide_banner',
    ...(opts.stdin ? [] : ['-nostdin']),
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'file,udp,rtp',
    '-fflags',
    'nobuffer',
    '-flags',
    'low_delay',
    '-probesize',
    '32',
    '-analyzeduration',
    '0',
    ...(opts.arrivalTime ? ['-max_delay', '100000', '-use_wallclock_as_timestamps', '1'] : []),
    '-i',
    sdp,
  ];
}

/**
 * The speakers' mix, labelled [mix]. With `resample` (and arrival-time stamps), each slot is
 * resampled against its packets' arrival times: audio that arrives late in a burst (a speaker's
 * network or CPU hiccup, or silence already filled in for the gap) is trimmed once it is more than
 * 0.1 s behind, instead of delaying that slot, and with it the mix, for the rest of the session
 * (amix has no notion of time, only of samples).
 */
export function mixGraph(slots: number, opts: { resample?: boolean } = {}): string {
  const each = opts.resample ? 'aresample=async=1000' : 'anull';
  const inputs = Array.from({ length: slots }, (_, i) => `[0:a:${i}]${each}[s${i}];`).join('');
  const labels = Array.from({ length: slots }, (_, i) => `[s${i}]`).join('');
  return slots > 1 ? `${inputs}${labels}amix=inputs=${slots}:normalize=0:dropout_transition=0[mix]` : `${inputs}[s0]anull[mix]`;
}

/** Signal ffmpeg's whole process group (it runs detached); a process already gone is fine. */
export function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** True when some process (ffmpeg) has bound this UDP port: our own bind attempt fails. */
export function portBound(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket({ type: 'udp4', reuseAddr: false });
    s.once('error', () => {
      s.close();
      resolve(true);
    });
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(false)));
  });
}

/**
 * Wait until ffmpeg listens on `port` (packets sent earlier are lost, and with them the start of
 * the timeline). False when it exited or `ms` passed first.
 */
export async function listening(child: ChildProcess, port: number, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!(await portBound(port))) {
    if (Date.now() > deadline || child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}
