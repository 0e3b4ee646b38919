/**
 * A VP8 key frame of a plain dark 640×360 picture (424 bytes), sent by video egresses that must
 * never go silent (the HLS broadcast's video track) while nobody has video on. Made with:
 *   ffmpeg -f lavfi -i color=c=0x1f2125:s=640x360:d=1:r=1 -frames:v 1 -c:v libvpx -b:v 100k -f ivf f.ivf
 * (the frame data after the 32-byte IVF header and 12-byte frame header).
 */
const FRAME =
  'UDMAnQEqgAJoAQWHCIWFiJmEiB2CAAYWBPcGgWSfa9ubJzh7' +
  'Jzh7'.repeat(127) +
  'JzeA/u+WQA==';

/** The RTP payload: a one-byte VP8 payload descriptor (S=1, PID=0; RFC 7741 §4.2) + the frame. */
export const FILLER_PAYLOAD = Buffer.concat([Buffer.from([0x10]), Buffer.from(FRAME, 'base64')]);
