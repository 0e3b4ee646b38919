/**
 * `npm run bench:forwarding`: the SFU's forwarding path alone, without clients competing for the
 * CPU: one VP8 producer's packets → N consumers → rewrite, SRTP (AES-CM + HMAC-SHA1 and AES-GCM),
 * real UDP sends on loopback. Prints CPU µs per forwarded packet.
 */
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import { Consumer } from '../packages/server/src/sfu/Consumer.ts';
import { newCounters } from '../packages/server/src/sfu/counters.ts';
import type { Producer } from '../packages/server/src/sfu/Producer.ts';

const N = Number(process.argv[2] ?? 40);
const PACKETS = Number(process.argv[3] ?? 4000);
const sock = dgram.createSocket('udp4');
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
const sink = dgram.createSocket('udp4');
await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
let received = 0;
sink.on('message', () => received++);
const sinkPort = sink.address().port;

function event() {
  return { subscribe: () => ({ unSubscribe: () => undefined }) };
}

function fakeTransceiver(profile: number, i: number) {
  const keyLen = 16;
  const saltLen = profile === 7 ? 12 : 14;
  const srtp = new SrtpSession({
    keys: { localMasterKey: randomBytes(keyLen), localMasterSalt: randomBytes(saltLen), remoteMasterKey: randomBytes(keyLen), remoteMasterSalt: randomBytes(saltLen) },
    profile,
  });
  const dtls = {
    state: 'connected',
    srtp,
    iceTransport: {
      connection: {
        nominated: {
          protocol: { sendData: async (data: Buffer, addr: [string, number]) => sock.send(data, addr[1], addr[0]), transport: { socket: sock } },
          remoteAddr: ['127.0.0.1', sinkPort] as [string, number],
        },
        canSendApplicationData: () => true,
      },
    },
    sendRtcp: async () => undefined,
  };
  return {
    mid: String(i),
    headerExtensions: [
      { id: 1, uri: 'urn:ietf:params:rtp-hdrext:sdes:mid' },
      { id: 2, uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time' },
    ],
    sender: {
      ssrc: 1000 + i,
      codec: { payloadType: 96 },
      dtlsTransport: dtls,
      onPictureLossIndication: event(),
      onGenericNack: event(),
      onRtcp: event(),
      receiverEstimatedMaxBitrate: 0n,
    },
  };
}

function fakeProducer(): Producer {
  return {
    kind: 'video',
    consumers: new Set(),
    closed: false,
    layerInfos: () => [{ height: 720, bitrate: 1_000_000, active: true }],
    requestKeyFrame: () => undefined,
    gopSnapshot: () => null,
  } as unknown as Producer;
}

async function run(profile: number): Promise<number> {
  const producer = fakeProducer();
  const consumers = Array.from({ length: N }, (_, i) =>
    new Consumer({ id: String(i), producer, subscriberId: String(i), transceiver: fakeTransceiver(profile, i) as never, stats: newCounters() }),
  );
  for (const c of consumers) c.start();
  // 1 Mbps VP8 at 30 fps ≈ 4 packets of ~1100 bytes per frame.
  const packets = Array.from({ length: 200 }, (_, i) => {
    const payload = randomBytes(1100);
    payload[0] = 0x10; // VP8 descriptor: S=1, PID=0
    payload[1] = i === 0 ? 0x00 : 0x01; // key frame first, then delta frames
    return new RtpPacket(new RtpHeader({ payloadType: 96, sequenceNumber: i, timestamp: Math.floor(i / 4) * 3000, ssrc: 42, marker: i % 4 === 3 }), payload);
  });
  const send = (k: number) => {
    const p = packets[k % packets.length]!;
    p.header.sequenceNumber = k & 0xffff;
    p.header.timestamp = Math.floor(k / 4) * 3000;
    for (const c of consumers) c.forward(p, 0, k === 0);
  };
  for (let k = 0; k < 200; k++) send(k); // warm up
  await new Promise((r) => setTimeout(r, 50));
  const cpu0 = process.cpuUsage();
  for (let k = 200; k < 200 + PACKETS; k++) {
    send(k);
    if (k % 50 === 0) await new Promise((r) => setImmediate(r)); // let the UDP sends drain
  }
  await new Promise((r) => setTimeout(r, 100));
  const cpu = process.cpuUsage(cpu0);
  for (const c of consumers) c.close();
  return (cpu.user + cpu.system) / (PACKETS * N);
}

const ctr = await run(1);
const gcm = await run(7);
console.log(`forwarding path, ${N} consumers, ${PACKETS} packets of 1100 B each (includes the sink socket's receive cost: ${received} datagrams)`);
console.log(`| SRTP profile | CPU µs per forwarded packet |\n|---|---|\n| AES_CM_128_HMAC_SHA1_80 | ${ctr.toFixed(1)} |\n| AEAD_AES_128_GCM | ${gcm.toFixed(1)} |`);
sock.close();
sink.close();
