import {
  RTCRtpCodecParameters,
  useAbsSendTime,
  useAudioLevelIndication,
  useNACK,
  usePLI,
  useREMB,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  type RTCPeerConnectionConfig,
} from 'werift';
import './weriftPatches.ts';

export interface TransportNetworkOptions {
  /** Extra host addresses to gather candidates on (e.g. 127.0.0.1 for local use). */
  additionalHosts: string[];
  portRange: [number, number];
}

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

/**
 * Codecs and header extensions the SFU negotiates.
 * - Opus with the client-to-mixer audio level extension (https://www.rfc-editor.org/rfc/rfc6464).
 * - VP8 (https://www.rfc-editor.org/rfc/rfc7741) with NACK, PLI, RTX
 *   (https://www.rfc-editor.org/rfc/rfc4588) and REMB both ways: the SFU grants publishers a
 *   generous REMB so their encoder reaches the top simulcast layer (werift's transport-cc feedback
 *   kept Chrome near 700 kbps), and learns each subscriber's downlink from the REMB it sends back
 *   (abs-send-time feeds the browser's receive-side estimator).
 * - mid / rid / repaired-rid for simulcast (https://www.rfc-editor.org/rfc/rfc8853).
 */
export type VideoCodec = 'vp8' | 'h264';

/**
 * The video codecs: VP8 first (what our clients publish, with simulcast), then H.264 for
 * publishers that only send that (OBS over WHIP): constrained baseline, packetization mode 1
 * (https://www.rfc-editor.org/rfc/rfc6184#section-8.1). A consumer's m-line offers only its
 * producer's codec (videoCodecs), so the SFU never needs to transcode.
 */
export function videoCodecs(codec?: VideoCodec): RTCRtpCodecParameters[] {
  const videoFeedback = [useNACK(), usePLI(), useREMB()];
  const vp8 = [
    new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96, rtcpFeedback: videoFeedback }),
    new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: 97, parameters: 'apt=96' }),
  ];
  const h264 = [
    new RTCRtpCodecParameters({
      mimeType: 'video/H264',
      clockRate: 90000,
      payloadType: 102,
      parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
      rtcpFeedback: videoFeedback,
    }),
    new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: 103, parameters: 'apt=102' }),
  ];
  return codec === 'vp8' ? vp8 : codec === 'h264' ? h264 : [...vp8, ...h264];
}

/** The codec a negotiated m-line carries, by the first payload type of our answer's m-line. */
export function videoCodecOf(rtpmaps: { payload: number; codec: string }[], payloads: string | undefined): VideoCodec {
  const first = Number(String(payloads ?? '').split(' ')[0]);
  return rtpmaps.find((r) => r.payload === first)?.codec.toLowerCase() === 'h264' ? 'h264' : 'vp8';
}

export function peerConfig(net: TransportNetworkOptions, role: 'publish' | 'subscribe'): RTCPeerConnectionConfig {
  return {
    // No STUN: the SFU's candidates are its own host addresses; nothing leaves the machine.
    iceServers: [],
    iceUseTcp: false,
    iceAdditionalHostAddresses: net.additionalHosts,
    icePortRange: net.portRange,
    iceUseIpv6: false,
    bundlePolicy: 'max-bundle',
    codecs: {
      audio: [
        new RTCRtpCodecParameters({
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          payloadType: 111,
          parameters: 'minptime=10;useinbandfec=1',
          rtcpFeedback: [],
        }),
      ],
      video: videoCodecs(),
    },
    headerExtensions: {
      audio: [useSdesMid(), useAudioLevelIndication()],
      video:
        role === 'publish'
          ? [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId(), useAbsSendTime()]
          : [useSdesMid(), useAbsSendTime()],
    },
  };
}
