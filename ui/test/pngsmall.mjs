// Screenshots small enough to commit: a PNG from Chromium (8-bit RGB or
// RGBA, not interlaced) re-encoded with a palette of at most 256 colours,
// the most used ones (after merging near shades), every other colour drawn
// as the nearest of them. A page of text and flat colours loses nothing a
// reader sees and shrinks by half or more. Node's zlib only, no image
// library.

import { deflateSync, inflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** chunks lists a PNG's chunks as [type, data]. */
function chunks(png) {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error("not a PNG");
  const out = [];
  for (let at = 8; at < png.length; ) {
    const len = png.readUInt32BE(at);
    out.push([png.toString("latin1", at + 4, at + 8), png.subarray(at + 8, at + 8 + len)]);
    at += 12 + len;
  }
  return out;
}

/** decode reads an 8-bit RGB or RGBA PNG into { width, height, rgb } (alpha dropped). */
function decode(png) {
  const cs = chunks(png);
  const ihdr = cs.find(([t]) => t === "IHDR")[1];
  const [width, height, depth, colour, , , interlace] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9], ihdr[10], ihdr[11], ihdr[12]];
  if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace) throw new Error(`PNG depth ${depth}, colour type ${colour}, interlace ${interlace}: not handled`);
  const bpp = colour === 6 ? 4 : 3;
  const raw = inflateSync(Buffer.concat(cs.filter(([t]) => t === "IDAT").map(([, d]) => d)));
  const stride = width * bpp;
  const px = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = px.subarray(y * stride, (y + 1) * stride);
    const up = y ? px.subarray((y - 1) * stride, y * stride) : null;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up ? up[i] : 0;
      const c = up && i >= bpp ? up[i - bpp] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      row[i] = (src[i] + pred) & 255;
    }
  }
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0, j = 0; i < px.length; i += bpp, j += 3) px.copy(rgb, j, i, i + 3);
  return { width, height, rgb };
}

/** palette: the 256 most used colours after merging shades that differ in the low 3 bits. */
function palette(rgb) {
  const buckets = new Map(); // key → [count, r, g, b sums]
  for (let i = 0; i < rgb.length; i += 3) {
    const key = ((rgb[i] >> 3) << 10) | ((rgb[i + 1] >> 3) << 5) | (rgb[i + 2] >> 3);
    const b = buckets.get(key);
    if (b) {
      b[0]++;
      b[1] += rgb[i];
      b[2] += rgb[i + 1];
      b[3] += rgb[i + 2];
    } else buckets.set(key, [1, rgb[i], rgb[i + 1], rgb[i + 2]]);
  }
  return [...buckets.values()].sort((a, b) => b[0] - a[0]).slice(0, 256).map(([n, r, g, b]) => [Math.round(r / n), Math.round(g / n), Math.round(b / n)]);
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** smallPNG re-encodes a Chromium screenshot as an indexed-colour PNG. */
export function smallPNG(png) {
  const { width, height, rgb } = decode(png);
  const pal = palette(rgb);
  const nearest = new Map();
  const index = (r, g, b) => {
    const key = (r << 16) | (g << 8) | b;
    let i = nearest.get(key);
    if (i === undefined) {
      let best = Infinity;
      pal.forEach(([pr, pg, pb], k) => {
        const d = 3 * (r - pr) ** 2 + 4 * (g - pg) ** 2 + 2 * (b - pb) ** 2;
        if (d < best) [best, i] = [d, k];
      });
      nearest.set(key, i);
    }
    return i;
  };
  const raw = Buffer.alloc((width + 1) * height); // filter 0 on every row: best for palette images
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      raw[y * (width + 1) + 1 + x] = index(rgb[s], rgb[s + 1], rgb[s + 2]);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 3, 0, 0, 0], 8);
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", ihdr),
    chunk("PLTE", Buffer.from(pal.flat())),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
