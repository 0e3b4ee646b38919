/**
 * The bench's machine-speed reference: a fixed workload shaped like forwarding (copy a 1 200-byte
 * packet, XOR it with a keystream, SHA-1 it, send it as a UDP datagram on loopback to a socket of
 * another process), run for a while on the cores the server runs on. It never changes with our
 * code, so its CPU µs per packet track only the machine: this VM has phases of seconds to minutes
 * in which everything, user and kernel time alike, runs 30–60 % slower.
 *
 * Usage: node bench/referenceWorkload.mjs <ms> <port,port,...>; prints {"us": …, "user": …, "kernel": …}.
 * Plain JavaScript on purpose: no build step or loader between it and the machine.
 */
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';

const ms = Number(process.argv[2] ?? 1500);
const ports = (process.argv[3] ?? '').split(',').filter(Boolean).map(Number);
if (ports.length === 0) throw new Error('usage: referenceWorkload.mjs <ms> <port,...>');

const socket = dgram.createSocket('udp4');
await new Promise((r) => socket.bind(0, '127.0.0.1', r));
const packet = Buffer.alloc(1200);
const key = Buffer.alloc(1200);
for (let i = 0; i < key.length; i++) key[i] = (i * 131) & 0xff;
const pw = new Int32Array(packet.buffer, packet.byteOffset, 300);
const kw = new Int32Array(key.buffer, key.byteOffset, 300);

let sent = 0;
function burst() {
  for (let i = 0; i < 40; i++) {
    for (let j = 1; j < 300; j++) pw[j] ^= kw[j];
    createHash('sha1').update(packet).digest();
    socket.send(packet, ports[sent % ports.length], '127.0.0.1');
    sent++;
  }
}

// Warm up (JIT, caches) outside the measurement.
const warmEnd = Date.now() + 200;
while (Date.now() < warmEnd) {
  burst();
  await new Promise((r) => setImmediate(r));
}
const cpu0 = process.cpuUsage();
const sent0 = sent;
const end = Date.now() + ms;
while (Date.now() < end) {
  burst();
  await new Promise((r) => setImmediate(r));
}
const cpu = process.cpuUsage(cpu0);
const n = sent - sent0;
console.log(JSON.stringify({ us: (cpu.user + cpu.system) / n, user: cpu.user / n, kernel: cpu.system / n, packets: n }));
socket.close();
