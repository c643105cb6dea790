import jsQR from 'jsqr';

/** Paint an SVG path of `M x y h w v1 h-w z` runs into RGBA pixels and decode it with jsQR. */
export function decodeQrPath(size: number, path: string, scale = 4): string | undefined {
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4).fill(255);
  for (const m of path.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    const [x, y, w] = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let dy = 0; dy < scale; dy += 1) {
      for (let dx = 0; dx < w * scale; dx += 1) {
        const i = ((y * scale + dy) * px + x * scale + dx) * 4;
        rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
      }
    }
  }
  return jsQR(rgba, px, px)?.data;
}
