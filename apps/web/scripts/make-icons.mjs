// Generates public/icons/*.png (and icon.svg) for the PWA manifest: a video-camera glyph on a
// rounded square. No dependencies: shapes are signed-distance functions, anti-aliased by coverage,
// written as an RGBA PNG with node:zlib. Run: node apps/web/scripts/make-icons.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const out = new URL('../public/icons/', import.meta.url);
const BG = [26, 115, 232];
const FG = [255, 255, 255];

/** Signed distance to a rounded box centred at (cx, cy) with half-size (hw, hh) and radius r. */
const box = (x, y, cx, cy, hw, hh, r) => {
  const qx = Math.abs(x - cx) - hw + r;
  const qy = Math.abs(y - cy) - hh + r;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
};
/** Signed distance to a convex polygon (counter-clockwise points): max of edge half-planes. */
const poly = (x, y, pts) => {
  let d = -Infinity;
  for (let i = 0; i < pts.length; i++) {
    const [ax, ay] = pts[i];
    const [bx, by] = pts[(i + 1) % pts.length];
    const nx = by - ay;
    const ny = ax - bx;
    const len = Math.hypot(nx, ny);
    d = Math.max(d, ((x - ax) * nx + (y - ay) * ny) / len);
  }
  return d;
};

/** Shapes in a 0..1 unit square; `inset` shrinks the glyph for maskable icons (safe zone). */
function glyph(u, v, inset) {
  const s = 1 - inset;
  const x = (u - 0.5) / s + 0.5;
  const y = (v - 0.5) / s + 0.5;
  const body = box(x, y, 0.42, 0.5, 0.22, 0.17, 0.05);
  const lens = poly(x, y, [[0.66, 0.45], [0.82, 0.35], [0.82, 0.65], [0.66, 0.55]]);
  return Math.min(body, lens) * s;
}

function render(size, { maskable }) {
  const px = Buffer.alloc(size * size * 4);
  const aa = 1 / size;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      const u = (i + 0.5) / size;
      const v = (j + 0.5) / size;
      const bgD = maskable ? -1 : box(u, v, 0.5, 0.5, 0.5, 0.5, 0.22);
      const bgA = Math.min(1, Math.max(0, 0.5 - bgD / aa));
      const fgA = Math.min(1, Math.max(0, 0.5 - glyph(u, v, maskable ? 0.2 : 0) / aa));
      const o = (j * size + i) * 4;
      for (let c = 0; c < 3; c++) px[o + c] = Math.round(BG[c] * (1 - fgA) + FG[c] * fgA);
      px[o + 3] = Math.round(255 * bgA);
    }
  }
  return png(size, size, px);
}

function png(w, h, rgba) {
  const raw = Buffer.alloc((w * 4 + 1) * h);
  for (let y = 0; y < h; y++) rgba.copy(raw, y * (w * 4 + 1) + 1, y * w * 4, (y + 1) * w * 4);
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf) {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
  <rect width="100" height="100" rx="22" fill="rgb(${BG})"/>
  <rect x="20" y="33" width="44" height="34" rx="5" fill="#fff"/>
  <path d="M66 45 82 35v30L66 55z" fill="#fff"/>
</svg>
`;

writeFileSync(new URL('icon.svg', out), svg);
writeFileSync(new URL('icon-192.png', out), render(192, { maskable: false }));
writeFileSync(new URL('icon-512.png', out), render(512, { maskable: false }));
writeFileSync(new URL('icon-maskable-512.png', out), render(512, { maskable: true }));
console.log('icons written to', out.pathname);
