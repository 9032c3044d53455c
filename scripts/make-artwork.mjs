#!/usr/bin/env node
// Generates the sample podcast's artwork as PNG files, with no dependencies
// beyond Node itself (node:zlib for DEFLATE; PNG chunks and CRC32 are written here).
//
//   node scripts/make-artwork.mjs            # writes into ./public
//   node scripts/make-artwork.mjs --size 3000 # show artwork at 3000x3000 instead of 1400x1400
//
// Output (relative to the repository root):
//   public/artwork.png           show artwork, square, RGB 8-bit
//   public/images/s01e03.png     episode artwork (water towers), 1400x1400
//   public/images/s02e02.png     episode artwork (escalators), 1400x1400
//   public/images/zipper-teeth.png  illustration used inside show notes, 600x400

import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public');

// ---------------------------------------------------------------- PNG encoding

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(...buffers) {
  let c = 0xffffffff;
  for (const buf of buffers) {
    for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const typeBuf = Buffer.from(type, 'ascii');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeBuf, data));
  return Buffer.concat([len, typeBuf, data, crc]);
}

/** Encode an RGB canvas as PNG: colour type 2, bit depth 8, no interlace. */
function encodePng({ width, height, data }) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour (RGB, no alpha)
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // interlace: none

  // Each scanline: one filter-type byte, then the row. Filter "Up" (2) on every
  // row after the first makes flat areas compress to almost nothing.
  const stride = width * 3;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const dst = y * (stride + 1);
    const src = y * stride;
    if (y === 0) {
      raw[dst] = 0;
      raw.set(data.subarray(src, src + stride), dst + 1);
    } else {
      raw[dst] = 2;
      for (let i = 0; i < stride; i++) raw[dst + 1 + i] = (data[src + i] - data[src - stride + i]) & 0xff;
    }
  }

  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------- drawing

function hex(colour) {
  const n = parseInt(colour.replace('#', ''), 16);
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function createCanvas(width, height, background) {
  const data = new Uint8Array(width * height * 3);
  const [r, g, b] = hex(background);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
  }
  return { width, height, data };
}

/**
 * Fill the shape described by a signed distance function (negative inside),
 * with one pixel of anti-aliasing at the edge. bbox = [x0, y0, x1, y1].
 */
function fillSdf(canvas, bbox, sdf, colour) {
  const [r, g, b] = hex(colour);
  const x0 = Math.max(0, Math.floor(bbox[0]) - 1);
  const y0 = Math.max(0, Math.floor(bbox[1]) - 1);
  const x1 = Math.min(canvas.width, Math.ceil(bbox[2]) + 1);
  const y1 = Math.min(canvas.height, Math.ceil(bbox[3]) + 1);
  const { data, width } = canvas;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const d = sdf(x + 0.5, y + 0.5);
      const a = Math.min(1, Math.max(0, 0.5 - d));
      if (a === 0) continue;
      const i = (y * width + x) * 3;
      data[i] = Math.round(data[i] + (r - data[i]) * a);
      data[i + 1] = Math.round(data[i + 1] + (g - data[i + 1]) * a);
      data[i + 2] = Math.round(data[i + 2] + (b - data[i + 2]) * a);
    }
  }
}

const circle = (c, cx, cy, radius, colour) =>
  fillSdf(c, [cx - radius, cy - radius, cx + radius, cy + radius],
    (x, y) => Math.hypot(x - cx, y - cy) - radius, colour);

const ring = (c, cx, cy, radius, thickness, colour) =>
  fillSdf(c, [cx - radius - thickness, cy - radius - thickness, cx + radius + thickness, cy + radius + thickness],
    (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - radius) - thickness / 2, colour);

/** Rectangle with optional corner radius; x, y is the top-left corner. */
function rect(c, x, y, w, h, colour, radius = 0) {
  const cx = x + w / 2;
  const cy = y + h / 2;
  const hx = w / 2 - radius;
  const hy = h / 2 - radius;
  fillSdf(c, [x, y, x + w, y + h], (px, py) => {
    const qx = Math.abs(px - cx) - hx;
    const qy = Math.abs(py - cy) - hy;
    return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
  }, colour);
}

/** Straight line with round caps. */
function line(c, ax, ay, bx, by, thickness, colour) {
  const t = thickness / 2;
  fillSdf(c, [Math.min(ax, bx) - t, Math.min(ay, by) - t, Math.max(ax, bx) + t, Math.max(ay, by) + t], (px, py) => {
    const vx = bx - ax, vy = by - ay;
    const h = Math.min(1, Math.max(0, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
    return Math.hypot(px - ax - vx * h, py - ay - vy * h) - t;
  }, colour);
}

/** Filled polygon (points in pixel coordinates), via its signed distance. */
function polygon(c, points, colour) {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  fillSdf(c, [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], (px, py) => {
    let d = Infinity;
    let inside = false;
    for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
      const [ax, ay] = points[j];
      const [bx, by] = points[i];
      const vx = bx - ax, vy = by - ay;
      const h = Math.min(1, Math.max(0, ((px - ax) * vx + (py - ay) * vy) / (vx * vx + vy * vy)));
      d = Math.min(d, Math.hypot(px - ax - vx * h, py - ay - vy * h));
      if ((ay > py) !== (by > py) && px < ax + ((py - ay) * vx) / vy) inside = !inside;
    }
    return inside ? -d : d;
  }, colour);
}

// ---------------------------------------------------------------- palette

const NAVY = '#16233a';
const NAVY_LIGHT = '#22365a';
const AMBER = '#f2a541';
const TERRACOTTA = '#c8553d';
const CREAM = '#f4ebd9';
const TEAL = '#2a6f75';

// ---------------------------------------------------------------- images

/** Show artwork: an amber "sun" of concentric rings over a sound-wave skyline. */
function showArtwork(size) {
  const s = size / 1400; // design in 1400-unit space
  const c = createCanvas(size, size, NAVY);

  // Faint horizontal bands, like courses of brick, behind everything.
  for (let i = 0; i < 7; i++) rect(c, 0, (110 + i * 90) * s, size, 40 * s, NAVY_LIGHT);

  // Concentric rings.
  const cx = 700 * s, cy = 560 * s;
  circle(c, cx, cy, 420 * s, AMBER);
  for (const [r, colour] of [[355, NAVY], [315, AMBER], [250, NAVY], [210, AMBER], [145, NAVY], [105, TERRACOTTA]]) {
    circle(c, cx, cy, r * s, colour);
  }
  circle(c, cx, cy, 44 * s, CREAM);

  // Ground strip the sound wave stands on.
  rect(c, 0, 990 * s, size, 410 * s, NAVY);

  // Sound-wave bars, mirrored around a centre line.
  const heights = [34, 56, 88, 72, 120, 168, 136, 208, 256, 192, 144, 240, 144, 192, 256, 208, 136, 168, 120, 72, 88, 56, 34];
  const barW = 34, gap = 20;
  const total = heights.length * barW + (heights.length - 1) * gap;
  let x = 700 - total / 2;
  const mid = 1160;
  for (const h of heights) {
    const colour = h >= 240 ? AMBER : CREAM;
    rect(c, x * s, (mid - h / 2) * s, barW * s, h * s, colour, (barW / 2) * s);
    x += barW + gap;
  }
  return c;
}

/** Episode art for S1E3 (water towers): a tank on braced legs. */
function waterTower(size) {
  const s = size / 1400;
  const c = createCanvas(size, size, TEAL);
  circle(c, 1160 * s, 230 * s, 120 * s, AMBER); // sun
  rect(c, 0, 1180 * s, size, 220 * s, NAVY); // ground

  const legTop = 700, legBottom = 1190;
  const legs = [[460, 380], [940, 1020]]; // [x at top, x at bottom]
  for (const [top, bottom] of legs) line(c, top * s, legTop * s, bottom * s, legBottom * s, 34 * s, CREAM);
  line(c, 700 * s, legTop * s, 700 * s, legBottom * s, 26 * s, CREAM);
  // Cross-bracing between the outer legs at three heights.
  const lerp = (a, b, t) => a + (b - a) * t;
  for (const [t0, t1] of [[0.05, 0.4], [0.4, 0.75], [0.75, 1]]) {
    const y0 = lerp(legTop, legBottom, t0), y1 = lerp(legTop, legBottom, t1);
    const l0 = lerp(460, 380, t0), l1 = lerp(460, 380, t1);
    const r0 = lerp(940, 1020, t0), r1 = lerp(940, 1020, t1);
    line(c, l0 * s, y0 * s, r1 * s, y1 * s, 12 * s, CREAM);
    line(c, r0 * s, y0 * s, l1 * s, y1 * s, 12 * s, CREAM);
    line(c, l1 * s, y1 * s, r1 * s, y1 * s, 14 * s, CREAM);
  }

  // Tank: a wide rounded body with a conical roof.
  rect(c, 380 * s, 420 * s, 640 * s, 320 * s, CREAM, 90 * s);
  rect(c, 380 * s, 560 * s, 640 * s, 26 * s, TERRACOTTA);
  polygon(c, [[360 * s, 450 * s], [700 * s, 250 * s], [1040 * s, 450 * s]], NAVY); // conical roof
  circle(c, 700 * s, 245 * s, 24 * s, NAVY); // finial
  return c;
}

/** Episode art for S2E2 (escalators): steps climbing on a diagonal. */
function escalator(size) {
  const s = size / 1400;
  const c = createCanvas(size, size, AMBER);
  const steps = 9;
  const stepW = 130, stepH = 110;
  for (let i = 0; i < steps; i++) {
    const x = 120 + i * stepW;
    const y = 1240 - (i + 1) * stepH;
    rect(c, x * s, y * s, (size / s - x) * s, (stepH + 4) * s, NAVY);
    rect(c, x * s, y * s, stepW * s, 14 * s, CREAM); // tread edge
  }
  // Handrail.
  line(c, 60 * s, 1020 * s, 1180 * s, 60 * s, 40 * s, TERRACOTTA);
  line(c, 60 * s, 1020 * s, 60 * s, 1240 * s, 40 * s, TERRACOTTA);
  rect(c, 0, 1240 * s, size, 160 * s, NAVY);
  return c;
}

/** Illustration for the zipper show notes: two tapes and interlocking teeth. */
function zipperTeeth() {
  const c = createCanvas(600, 400, CREAM);
  rect(c, 60, 0, 180, 400, NAVY); // left tape
  rect(c, 360, 0, 180, 400, NAVY); // right tape
  const pitch = 36, toothH = 28;
  for (let i = 0, y = -20; y < 400; i++, y += pitch / 2) {
    const fromLeft = i % 2 === 0;
    const colour = fromLeft ? AMBER : TERRACOTTA;
    // Each tooth reaches past the centre line and ends in a rounded head
    // that nests between two teeth of the other side.
    const x = fromLeft ? 200 : 270;
    rect(c, x, y - toothH / 2, 130, toothH - 10, colour, 6);
    circle(c, fromLeft ? x + 122 : x + 8, y - 5, 14, colour);
  }
  // Slider, pulled down: the teeth below it are still open.
  rect(c, 0, 300, 600, 100, CREAM);
  rect(c, 60, 300, 180, 100, NAVY);
  rect(c, 360, 300, 180, 100, NAVY);
  for (let i = 0, y = 312; y < 400; i++, y += 36) {
    rect(c, 200, y, 70, 18, AMBER, 6);
    rect(c, 330, y + 18, 70, 18, TERRACOTTA, 6);
  }
  rect(c, 210, 240, 180, 80, TEAL, 22);
  rect(c, 280, 310, 40, 70, TEAL, 8);
  circle(c, 300, 380, 16, TEAL);
  return c;
}

// ---------------------------------------------------------------- main

const sizeArg = process.argv.indexOf('--size');
const showSize = sizeArg > -1 ? Number(process.argv[sizeArg + 1]) : 1400;
if (![1400, 3000].includes(showSize)) {
  console.error('--size must be 1400 or 3000');
  process.exit(1);
}

const outputs = [
  ['artwork.png', () => showArtwork(showSize)],
  ['images/s01e03.png', () => waterTower(1400)],
  ['images/s02e02.png', () => escalator(1400)],
  ['images/zipper-teeth.png', () => zipperTeeth()],
];

for (const [name, draw] of outputs) {
  const canvas = draw();
  const png = encodePng(canvas);
  const file = join(outDir, name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, png);
  console.log(`${name}: ${canvas.width}x${canvas.height}, ${(png.length / 1024).toFixed(1)} KB`);
}
