// Draws media/icon.png, the 128×128 Marketplace icon, from the idea of media/badge.svg: a rounded
// square (the app, with the workplace's app tiles on it) and the red badge dot on its corner, cut
// out of the square by a transparent ring. Pure Node (no browser, no image library; zlib.crc32
// needs Node 22.2 or newer), so anyone can redraw it with the project's Node:
// `npx node scripts/make-icon.mjs`. Commit the PNG it writes; nothing runs this at build time.
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 128;
/** Samples per pixel along each axis: the edges are anti-aliased by averaging SAMPLES² points. */
const SAMPLES = 8;

const BLUE = [0x33, 0x70, 0xff]; // Feishu blue
const RED = [0xf5, 0x4a, 0x45]; // Feishu badge red
const WHITE = [0xff, 0xff, 0xff];

const square = { x: 8, y: 24, width: 96, height: 96, radius: 22 };
const tiles = [
  { x: 30, y: 46 },
  { x: 60, y: 46 },
  { x: 30, y: 76 },
  { x: 60, y: 76 },
].map(({ x, y }) => ({ x, y, width: 22, height: 22, radius: 5 }));
const dot = { cx: 100, cy: 28, r: 20 };
const ring = { cx: dot.cx, cy: dot.cy, r: 26 };

function inRoundedRect(px, py, { x, y, width, height, radius }) {
  const qx = Math.max(x + radius - px, 0, px - (x + width - radius));
  const qy = Math.max(y + radius - py, 0, py - (y + height - radius));
  return px >= x && px <= x + width && py >= y && py <= y + height && qx * qx + qy * qy <= radius * radius;
}

function inCircle(px, py, { cx, cy, r }) {
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** The colour at one point, or undefined where the icon is transparent. */
function colourAt(px, py) {
  if (inCircle(px, py, dot)) return RED;
  if (inCircle(px, py, ring)) return undefined;
  if (!inRoundedRect(px, py, square)) return undefined;
  return tiles.some((tile) => inRoundedRect(px, py, tile)) ? WHITE : BLUE;
}

function render() {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4)); // each row: filter byte 0, then RGBA
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    for (let x = 0; x < SIZE; x++) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const colour = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          if (!colour) continue;
          covered++;
          for (let c = 0; c < 3; c++) sum[c] += colour[c];
        }
      }
      const at = row + 1 + x * 4;
      for (let c = 0; c < 3; c++) rows[at + c] = covered ? Math.round(sum[c] / covered) : 0;
      rows[at + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
    }
  }
  return rows;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(rows) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../media/icon.png', import.meta.url);
writeFileSync(out, png(render()));
console.log(`wrote ${out.pathname} (${SIZE}×${SIZE})`);
