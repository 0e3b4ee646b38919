import { createSocket } from 'node:dgram';

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
