import QRCode from 'qrcode';

/** Quiet zone around the symbol, in modules (ISO/IEC 18004 asks for 4). */
export const QR_MARGIN = 4;

/**
 * A QR code as one SVG path, built at build time (no script, no image request): one `h` run per
 * horizontal stretch of dark modules. Error correction M survives a creased, sun-faded notice.
 */
export function qrSvgPath(text: string): { size: number; path: string } {
  // One byte-mode segment: a URL gains nothing from qrcode's segment optimiser (a shortest-path
  // search that cost more than the encoding itself over 5,000 pages).
  const { modules } = QRCode.create([{ data: new TextEncoder().encode(text), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
  });
  const n = modules.size;
  const parts: string[] = [];
  for (let y = 0; y < n; y += 1) {
    let x = 0;
    while (x < n) {
      if (!modules.data[y * n + x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < n && modules.data[y * n + x]) x += 1;
      parts.push(`M${start + QR_MARGIN} ${y + QR_MARGIN}h${x - start}v1h-${x - start}z`);
    }
  }
  return { size: n + 2 * QR_MARGIN, path: parts.join('') };
}
