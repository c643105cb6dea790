import { timingSafeEqual } from 'node:crypto';
import { sheetLimits } from '../publishing/sheets/limits.ts';
import { ATTACHMENTS_TOTAL_BYTES } from '../services/disclosure-attachments.ts';
import { CSRF_FIELD } from './csrf.ts';

/**
 * The staff forms that take disclosure files (the upload with its attachments, /staff/disclosures/, and the plain
 * matter form with its attachments, /staff/disclosures/matter/): a multipart body, capped before it is read whole. A declared Content-Length above the cap is refused without reading; a
 * body without one (chunked) is read chunk by chunk and refused as soon as it passes the cap. The parsed
 * form is handed to the page (`locals.staffUpload`), so the body is read once.
 */
export const UPLOAD_PATHS: readonly string[] = [
  '/staff/disclosures/',
  '/staff/disclosures',
  '/staff/disclosures/matter/',
  '/staff/disclosures/matter',
];

/**
 * The spreadsheet's limit plus its attachments' (scans of minutes, contracts, invoices) plus room for the form's
 * other fields and the multipart framing.
 */
export const UPLOAD_BODY_LIMIT = sheetLimits.uploadBytes + ATTACHMENTS_TOTAL_BYTES + 64 * 1024;

export const isMultipart = (request: Request) =>
  request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() === 'multipart/form-data';

export type UploadBody = { ok: true; form: FormData } | { ok: false; status: 400 | 413 };

/** Reads and parses a capped multipart body. */
export async function readUploadBody(request: Request, limit = UPLOAD_BODY_LIMIT): Promise<UploadBody> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (Number.isFinite(declared) && declared > limit) return { ok: false, status: 413 };
  const reader = request.body?.getReader();
  if (!reader) return { ok: false, status: 400 };
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      return { ok: false, status: 413 };
    }
    chunks.push(value);
  }
  const body = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    body.set(c, at);
    at += c.byteLength;
  }
  try {
    const type = request.headers.get('content-type') ?? '';
    return { ok: true, form: await new Response(body, { headers: { 'content-type': type } }).formData() };
  } catch {
    return { ok: false, status: 400 };
  }
}

/** The multipart form's `_csrf` equals the session token (constant-time compare). */
export function uploadTokenValid(form: FormData, expected: string): boolean {
  const given = form.get(CSRF_FIELD);
  if (typeof given !== 'string' || given === '') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
