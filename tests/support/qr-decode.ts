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

/**
 * Decode an SVG made by `qrcode`'s `toString(…, { type: 'svg' })` (the printed invitation sheets): its dark
 * modules are one stroked path of `M col row.5`, `m dx 0` and `h len` commands, redrawn here as runs.
 */
export function decodeQrcodeSvg(svg: string, scale = 4): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)?.[1]);
  const d = /<path[^>]*\bstroke="[^"]*"[^>]*\bd="([^"]+)"/.exec(svg)?.[1];
  if (!size || !d) return undefined;
  let x = 0;
  let y = 0;
  const runs: string[] = [];
  for (const m of d.matchAll(/([Mmh])(\d+(?:\.\d+)?)(?: (\d+(?:\.\d+)?))?/g)) {
    const [cmd, a, b] = [m[1], Number(m[2]), Number(m[3] ?? 0)];
    if (cmd === 'M') [x, y] = [a, Math.floor(b)];
    else if (cmd === 'm') x += a;
    else {
      runs.push(`M${String(x)} ${String(y)}h${String(a)}v1h-${String(a)}z`);
      x += a;
    }
  }
  return decodeQrPath(size, runs.join(''), scale);
}
