import { crc32, inflateRawSync } from 'node:zlib';
import { sheetLimits } from './limits.ts';

/**
 * Inspects an .xlsx container (a zip) before any spreadsheet library reads it: the central directory is read
 * by hand, every entry's declared size is capped, and every entry is then inflated with a hard output limit,
 * so a zip whose headers lie about their sizes (a zip bomb) is refused after at most the cap's worth of
 * work. Macro-enabled workbooks (vbaProject.bin, macroEnabled content types), encrypted entries and zip64
 * archives are refused too, and so is an entry whose CRC-32 does not match (a damaged file).
 */
export type ZipRefusal = 'notSpreadsheet' | 'zipBomb' | 'tooManyEntries' | 'macros' | 'encrypted';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

interface ZipEntry {
  name: string;
  crc: number;
  method: number;
  flags: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function findEndOfDirectory(buf: Buffer): number {
  // The end record is 22 bytes plus a comment of at most 65,535 bytes.
  const stop = Math.max(0, buf.length - 22 - 65_535);
  for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
  return -1;
}

function centralDirectory(buf: Buffer): ZipEntry[] | ZipRefusal {
  if (buf.length < 22 || buf.readUInt32LE(0) !== LOCAL) return 'notSpreadsheet';
  const end = findEndOfDirectory(buf);
  if (end < 0) return 'notSpreadsheet';
  const count = buf.readUInt16LE(end + 10);
  const size = buf.readUInt32LE(end + 12);
  const offset = buf.readUInt32LE(end + 16);
  if (count === 0xffff || offset === 0xffffffff) return 'notSpreadsheet'; // zip64: no spreadsheet needs it
  if (count > sheetLimits.zipEntries) return 'tooManyEntries';
  if (offset + size > end) return 'notSpreadsheet';
  const entries: ZipEntry[] = [];
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > end || buf.readUInt32LE(at) !== CENTRAL) return 'notSpreadsheet';
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    if (at + 46 + nameLength > end) return 'notSpreadsheet';
    entries.push({
      flags: buf.readUInt16LE(at + 8),
      method: buf.readUInt16LE(at + 10),
      crc: buf.readUInt32LE(at + 16),
      compressedSize: buf.readUInt32LE(at + 20),
      size: buf.readUInt32LE(at + 24),
      localOffset: buf.readUInt32LE(at + 42),
      name: buf.toString('utf8', at + 46, at + 46 + nameLength),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/**
 * Every entry inflated, each within the per-entry cap and all within the total cap, whatever the headers
 * declare (inflation stops at the cap: a bomb costs at most the cap's worth of work). An entry whose real size
 * or CRC differs from its header is damaged (or forged) and refused as not a readable spreadsheet.
 */
function inflateAll(buf: Buffer, entries: readonly ZipEntry[]): Map<string, Buffer> | ZipRefusal {
  const out = new Map<string, Buffer>();
  let declared = 0;
  let inflatedTotal = 0;
  for (const e of entries) {
    if (e.flags & 0x1) return 'encrypted';
    declared += e.size;
    if (e.size > sheetLimits.zipEntryBytes || declared > sheetLimits.zipTotalBytes) return 'zipBomb';
    const at = e.localOffset;
    if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) return 'notSpreadsheet';
    const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
    const data = buf.subarray(start, start + e.compressedSize);
    if (data.length !== e.compressedSize) return 'notSpreadsheet';
    let content: Buffer;
    if (e.method === 0) content = data;
    else if (e.method === 8) {
      const room = Math.min(sheetLimits.zipEntryBytes, sheetLimits.zipTotalBytes - inflatedTotal);
      try {
        content = inflateRawSync(data, { maxOutputLength: room });
      } catch (error) {
        // RangeError: the output reached the cap.
        return error instanceof RangeError ? 'zipBomb' : 'notSpreadsheet';
      }
    } else return 'notSpreadsheet';
    inflatedTotal += content.length;
    if (content.length !== e.size || crc32(content) !== e.crc) return 'notSpreadsheet';
    out.set(e.name, content);
  }
  return out;
}

/** Checks an .xlsx container; on success the inflated parts (the caller only needs to know it is safe). */
export function inspectXlsxZip(
  bytes: Uint8Array,
): { ok: true; parts: Map<string, Buffer> } | { ok: false; refusal: ZipRefusal } {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = centralDirectory(buf);
  if (typeof entries === 'string') return { ok: false, refusal: entries };
  if (entries.some((e) => /(^|\/)vbaProject\.bin$/i.test(e.name) || /(^|\/)vbaData\.xml$/i.test(e.name)))
    return { ok: false, refusal: 'macros' };
  if (!entries.some((e) => e.name === 'xl/workbook.xml') || !entries.some((e) => e.name === '[Content_Types].xml'))
    return { ok: false, refusal: 'notSpreadsheet' };
  const parts = inflateAll(buf, entries);
  if (typeof parts === 'string') return { ok: false, refusal: parts };
  const types = parts.get('[Content_Types].xml')?.toString('utf8') ?? '';
  if (/macroEnabled|vbaProject/i.test(types)) return { ok: false, refusal: 'macros' };
  return { ok: true, parts };
}
