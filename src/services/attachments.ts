import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type sharpFn from 'sharp';
import type { Database } from '../db/client.ts';
import {
  findAttachment,
  insertAttachment,
  isEvidenceOf,
  isPublicEvidence,
  type AttachmentMime,
  type AttachmentRow,
} from '../db/attachments-repo.ts';

/**
 * The attachment store (issue 17; shared with the disclosures later): files content-addressed by the sha256
 * of the bytes served, under one directory (ATTACHMENTS_DIR, default `attachments/` next to the database
 * file). The type is decided by the content (magic bytes: PDF, JPEG, PNG only), never by the name or the
 * declared type; JPEG and PNG are decoded and re-encoded by sharp, so EXIF, GPS, XMP and ICC metadata never
 * leave the server; PDFs are kept as uploaded and only ever served as downloads (`fileResponse`).
 */
export const ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024;

export type AttachmentFailure =
  | { ok: false; code: 'attachment.tooLarge'; status: 413 }
  | { ok: false; code: 'attachment.type'; status: 422 }
  | { ok: false; code: 'attachment.unreadable'; status: 422 }
  | { ok: false; code: 'attachment.empty'; status: 422 };

export interface AttachmentStore {
  database: Database;
  /** Absolute directory of the files (created when missing). */
  dir: string;
}

/** The directory of ATTACHMENTS_DIR, or `attachments/` next to an embedded database file. */
export function attachmentsDirOf(config: { ATTACHMENTS_DIR?: string | undefined; DATABASE_URL: string }): string {
  if (config.ATTACHMENTS_DIR) return resolve(config.ATTACHMENTS_DIR);
  const file = config.DATABASE_URL.startsWith('file:') ? (config.DATABASE_URL.slice(5).split('?')[0] ?? '') : '';
  return file && file !== ':memory:' ? join(dirname(resolve(file)), 'attachments') : resolve('db', 'attachments');
}

export function attachmentStore(database: Database, dir: string): AttachmentStore {
  mkdirSync(dir, { recursive: true });
  return { database, dir };
}

/** The type by content: `%PDF-`, JPEG SOI + marker, the PNG signature; anything else is refused. */
export function sniffType(bytes: Uint8Array): AttachmentMime | null {
  const starts = (sig: readonly number[]) => sig.every((b, i) => bytes[i] === b);
  if (starts([0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  return null;
}

const SHA256 = /^[0-9a-f]{64}$/;
const pathOf = (store: AttachmentStore, sha256: string) => join(store.dir, sha256.slice(0, 2), sha256);

/**
 * Re-encode an image without any metadata: sharp drops EXIF/XMP/IPTC unless asked to keep them; `rotate()`
 * first applies the EXIF orientation, which is then gone with the rest.
 */
async function clean(sharp: typeof sharpFn, bytes: Uint8Array, mime: 'image/jpeg' | 'image/png'): Promise<Buffer> {
  const image = sharp(bytes, { failOn: 'error', limitInputPixels: 40_000_000 }).rotate();
  return mime === 'image/jpeg' ? image.jpeg({ quality: 85, mozjpeg: true }).toBuffer() : image.png().toBuffer();
}

/** A file checked and cleaned, not yet written: the bytes that will be served and their hash. */
export interface PreparedAttachment extends AttachmentRow {
  bytes: Uint8Array;
}

/** Check and clean one file (nothing is written): the size, the type by content, images re-encoded. */
export async function prepareAttachment(
  bytes: Uint8Array,
): Promise<{ ok: true; prepared: PreparedAttachment } | AttachmentFailure> {
  if (bytes.byteLength > ATTACHMENT_MAX_BYTES) return { ok: false, code: 'attachment.tooLarge', status: 413 };
  if (bytes.byteLength === 0) return { ok: false, code: 'attachment.empty', status: 422 };
  const mime = sniffType(bytes);
  if (!mime) return { ok: false, code: 'attachment.type', status: 422 };
  let served: Uint8Array;
  if (mime === 'application/pdf') served = bytes;
  else {
    // Loaded on the first image, not with the server: sharp and libvips are ~20 MB of RSS (README "Server
    // memory"). Outside the try: a sharp that cannot load is the server's fault, not an unreadable file.
    const { default: sharp } = await import('sharp');
    try {
      served = await clean(sharp, bytes, mime);
    } catch {
      return { ok: false, code: 'attachment.unreadable', status: 422 };
    }
  }
  const sha256 = createHash('sha256').update(served).digest('hex');
  return { ok: true, prepared: { sha256, mime, size: served.byteLength, bytes: served } };
}

/**
 * Writes a prepared file under its hash (once: the same bytes are the same file). Returns whether it was new,
 * so a caller whose database write then fails can take a new file away again (`removeAttachmentFile`).
 */
export function saveAttachmentFile(store: AttachmentStore, p: PreparedAttachment): boolean {
  const file = pathOf(store, p.sha256);
  if (existsSync(file)) return false;
  mkdirSync(dirname(file), { recursive: true });
  // Written under a temporary name and renamed: a crash never leaves a partial file under its hash.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, p.bytes);
  renameSync(partial, file);
  return true;
}

/** Removes a file this process just wrote when the write that would have recorded it failed. */
export function removeAttachmentFile(store: AttachmentStore, sha256: string): void {
  if (SHA256.test(sha256)) rmSync(pathOf(store, sha256), { force: true });
}

/** Check, clean and store one file; the same bytes stored twice are one attachment. */
export async function storeAttachment(
  store: AttachmentStore,
  bytes: Uint8Array,
  actor: string,
  now: Date,
): Promise<{ ok: true; attachment: AttachmentRow } | AttachmentFailure> {
  const checked = await prepareAttachment(bytes);
  if (!checked.ok) return checked;
  const { sha256, mime, size } = checked.prepared;
  saveAttachmentFile(store, checked.prepared);
  const attachment = { sha256, mime, size };
  await insertAttachment(store.database, attachment, actor, now);
  return { ok: true, attachment };
}

export interface StoredFile {
  mime: AttachmentMime;
  bytes: Buffer;
}

export async function readStored(store: AttachmentStore, sha256: string): Promise<StoredFile | null> {
  if (!SHA256.test(sha256)) return null;
  const row = await findAttachment(store.database, sha256);
  const file = pathOf(store, sha256);
  if (!row || !existsSync(file)) return null;
  return { mime: row.mime, bytes: readFileSync(file) };
}

/** A file for the public: only evidence of a signed-off mark; anything else is not found. */
export async function publicEvidenceFile(store: AttachmentStore, sha256: string): Promise<StoredFile | null> {
  if (!SHA256.test(sha256) || !(await isPublicEvidence(store.database, sha256))) return null;
  return readStored(store, sha256);
}

/** A file for staff working on a unit and year: evidence of one of its marks, signed off or not. */
export async function staffEvidenceFile(
  store: AttachmentStore,
  sha256: string,
  unitId: string,
  year: number,
): Promise<StoredFile | null> {
  if (!SHA256.test(sha256) || !(await isEvidenceOf(store.database, sha256, unitId, year))) return null;
  return readStored(store, sha256);
}

/**
 * The response that serves a stored file: images inline, PDFs as downloads only, in a sandbox, never sniffed.
 * Content-addressed, so a public file never changes (immutable caching); `revocable`: public for now, but it
 * may be taken offline (a disclosure's file, until a correction replaces it or the disclosure is withdrawn), so
 * caches revalidate every time (the ETag is the hash: a 304 costs one lookup).
 */
export function fileResponse(f: StoredFile, sha256: string, visibility: 'public' | 'revocable' | 'staff'): Response {
  const headers: Record<string, string> = {
    'Content-Type': f.mime,
    'Content-Length': String(f.bytes.byteLength),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
    'Cache-Control': {
      public: 'public, max-age=31536000, immutable',
      revocable: 'public, no-cache',
      staff: 'no-store',
    }[visibility],
    ...(visibility === 'revocable' ? { ETag: `"${sha256}"` } : {}),
  };
  headers['Content-Disposition'] =
    f.mime === 'application/pdf' ? `attachment; filename="${sha256.slice(0, 16)}.pdf"` : 'inline';
  return new Response(new Uint8Array(f.bytes), { status: 200, headers });
}
