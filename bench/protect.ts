/**
 * `npm run bench:protect [-- N]`: outbound SRTP alone (SrtpProtector, AES-CM + HMAC-SHA1-80, the
 * profile the bench's subscribers negotiate), N subscribers' keys (default 40) taking turns as in
 * a fan-out, a 1 150-byte payload. Prints ns per protected packet, best and median of 6 rounds.
 * No sockets: this is the user-space cost the end-to-end bench cannot resolve below its noise.
 */
import { randomBytes } from 'node:crypto';
import { PROFILE_AES_CM_128_HMAC_SHA1_80, SrtpProtector } from '../packages/server/src/sfu/srtp/SrtpProtector.ts';

const N = Number(process.argv[2] ?? 40);
const ROUNDS = 25_000;
const protectors = Array.from(
  { length: N },
  () => new SrtpProtector({ profile: PROFILE_AES_CM_128_HMAC_SHA1_80, key: randomBytes(16), salt: randomBytes(14), authKey: randomBytes(20) }),
);
const header = Buffer.alloc(24, 1);
const payload = randomBytes(1150);
let seq = 0;
function round(): void {
  seq++;
  for (let i = 0; i < N; i++) protectors[i]!.protect(header, payload, 1000 + i, seq & 0xffff, Math.floor(seq / 0x1_0000));
}
const results: number[] = [];
for (let r = 0; r < 6; r++) {
  for (let i = 0; i < 5_000; i++) round();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < ROUNDS; i++) round();
  results.push(Number(process.hrtime.bigint() - t0) / (ROUNDS * N));
}
results.sort((a, b) => a - b);
console.log(`SrtpProtector.protect, AES-CM, ${N} keys: best ${results[0]!.toFixed(0)} ns, median ${results[3]!.toFixed(0)} ns per packet`);
