/**
 * `npm run bench:forwarding`: the SFU's forwarding path alone, without clients competing for the
 * CPU: one VP8 producer's packets → N consumers → rewrite, SRTP (AES-CM + HMAC-SHA1 and AES-GCM),
 * real UDP sends on loopback. Prints CPU µs per forwarded packet.
 */
import dgram from 'node:dgram';
import { RtcpReceiverInfo, RtcpRrPacket } from 'werift';
import { Consumer } from '../packages/server/src/sfu/Consumer.ts';
import { newCounters } from '../packages/server/src/sfu/counters.ts';
import { fakeProducer, fakeTransceiver, vp8Packet } from '../packages/server/src/sfu/testing/fakes.ts';

const N = Number(process.argv[2] ?? 40);
const PACKETS = Number(process.argv[3] ?? 4000);
const sock = dgram.createSocket('udp4');
await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
const sink = dgram.createSocket('udp4');
await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
let received = 0;
sink.on('message', () => received++);
const sinkPort = sink.address().port;

async function run(profile: number): Promise<number> {
  const producer = fakeProducer([{ height: 720, bitrate: 1_000_000, active: true }]);
  const send = (b: Buffer) => sock.send(b, sinkPort, '127.0.0.1');
  // Packets leave through the real socket as in the server: dgram's send until the subscriber's
  // first receiver report, then straight to the native handle (rtp/directSend.ts).
  const udp = { socket: sock, to: ['127.0.0.1', sinkPort] as [string, number] };
  const transceivers = Array.from({ length: N }, (_, i) => fakeTransceiver({ profile, ssrc: 1000 + i, send, udp }));
  const consumers = transceivers.map((t, i) => new Consumer({ id: String(i), producer, subscriberId: String(i), transceiver: t as never, stats: newCounters() }));
  for (const c of consumers) c.start();
  // 1 Mbps VP8 at 30 fps ≈ 4 packets of ~1100 bytes per frame.
  const packets = Array.from({ length: 200 }, (_, i) => vp8Packet(i, Math.floor(i / 4) * 3000, i === 0));
  const push = (k: number) => {
    const p = packets[k % packets.length]!;
    p.header.sequenceNumber = k & 0xffff;
    p.header.timestamp = Math.floor(k / 4) * 3000;
    for (const c of consumers) c.forward(p, 0, k === 0);
  };
  for (let k = 0; k < 200; k++) push(k); // warm up
  for (const t of transceivers) {
    const report = new RtcpReceiverInfo({ ssrc: t.sender.ssrc, fractionLost: 0, packetsLost: 0, highestSequence: 199, jitter: 0, lsr: 0, dlsr: 0 });
    t.sender.onRtcp.execute(new RtcpRrPacket({ ssrc: 1, reports: [report] }));
  }
  await new Promise((r) => setTimeout(r, 50));
  const cpu0 = process.cpuUsage();
  for (let k = 200; k < 200 + PACKETS; k++) {
    push(k);
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
