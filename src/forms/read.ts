import type { AstroGlobal } from 'astro';
import type { ChannelContext, ClientInfo } from '../services/context.ts';

/**
 * HTML form adapters (no JavaScript needed): read an `application/x-www-form-urlencoded` body strictly,
 * shape it like the JSON the API takes, and parse it with the same domain schema.
 */
export const FORM_BODY_LIMIT = 64 * 1024;
/** A multipart post (file uploads): at most two files of the attachment store's 10 MB and the fields. */
export const MULTIPART_BODY_LIMIT = 20 * 1024 * 1024 + 256 * 1024;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function percentDecode(s: string): string | null {
  const plus = s.replace(/\+/g, ' ');
  const bytes: number[] = [];
  for (let i = 0; i < plus.length; i++) {
    const ch = plus.charCodeAt(i);
    if (ch === 0x25) {
      const hex = plus.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return null;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (ch < 0x80) bytes.push(ch);
    else bytes.push(...new TextEncoder().encode(plus[i]));
  }
  try {
    return fatalUtf8.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

/**
 * Parse a urlencoded body. Unlike `URLSearchParams`, invalid UTF-8 or a broken percent escape makes the
 * whole body invalid (null) instead of silently becoming U+FFFD, as the JSON API does (400).
 */
export function parseUrlEncoded(body: string): [string, string][] | null {
  if (body === '') return [];
  const out: [string, string][] = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = percentDecode(eq < 0 ? part : part.slice(0, eq));
    const v = percentDecode(eq < 0 ? '' : part.slice(eq + 1));
    if (k === null || v === null) return null;
    out.push([k, v]);
  }
  return out;
}

export type FormRead = { ok: true; entries: [string, string][] } | { ok: false; status: 400 | 413 | 415 };

/** `limit`: the body's cap in bytes (a form that carries a whole list, e.g. /staff/powers/, needs more than the default). */
export async function readForm(request: Request, limit = FORM_BODY_LIMIT): Promise<FormRead> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return { ok: false, status: 415 };
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) return { ok: false, status: 413 };
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > limit) return { ok: false, status: 413 };
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return { ok: false, status: 400 };
  }
  const entries = parseUrlEncoded(text);
  return entries ? { ok: true, entries } : { ok: false, status: 400 };
}

export type MultipartRead =
  { ok: true; entries: [string, string][]; files: Uint8Array[] } | { ok: false; status: 400 | 413 | 415 };

/**
 * Read a multipart form (the middleware checked its declared length and token): text fields as entries (each
 * checked like a urlencoded value: valid UTF-8 only), and the bytes of every non-empty file field.
 */
export async function readMultipartForm(request: Request): Promise<MultipartRead> {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'multipart/form-data') return { ok: false, status: 415 };
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (!(declared > 0 && declared <= MULTIPART_BODY_LIMIT)) return { ok: false, status: 413 };
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, status: 400 };
  }
  const entries: [string, string][] = [];
  const files: Uint8Array[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') entries.push([name, value]);
    else if (value.size > 0) files.push(new Uint8Array(await value.arrayBuffer()));
  }
  return { ok: true, entries, files };
}

/**
 * Turn form fields into the JSON shape of the API: dotted names nest (`meal.date`), empty strings are
 * absent, the named checkboxes become booleans, and a repeated name keeps its first value. Keys that
 * could reach Object.prototype are dropped.
 */
export function formToInput(
  entries: readonly [string, string][],
  booleans: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  for (const [name, value] of entries) {
    if (seen.has(name) || value === '') continue;
    seen.add(name);
    const path = name.split('.');
    if (path.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype' || p === '')) continue;
    let node: Record<string, unknown> | null = out;
    for (const key of path.slice(0, -1)) {
      if (node[key] === undefined) node[key] = {};
      const next: unknown = node[key];
      // `a=1&a.b=2`: the names conflict; keep the first and drop the other.
      if (typeof next !== 'object' || next === null) {
        node = null;
        break;
      }
      node = next as Record<string, unknown>;
    }
    const last = path.at(-1)!;
    if (node && node[last] === undefined)
      node[last] = booleans.includes(name) ? value === 'on' || value === 'true' : value;
  }
  for (const b of booleans) if (!seen.has(b) && !b.includes('.')) out[b] = false;
  return out;
}

/** The HTML id of a field path: `meal.date` → `f-meal-date`. */
export const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** The channel and the caller, for a page; null when the page runs without the server (astro dev). */
export function pageChannel(astro: AstroGlobal): { channel: ChannelContext; client: ClientInfo } | null {
  const channel = astro.locals.channel;
  if (!channel) return null;
  return { channel, client: { ip: clientAddress(astro) } };
}

/** The client address of a page request: the proxy's last hop when trusted, else the socket peer. */
export function clientAddress(astro: Pick<AstroGlobal, 'locals' | 'request' | 'clientAddress'>): string {
  const forwarded = astro.locals.trustProxy
    ? astro.request.headers.get('x-forwarded-for')?.split(',').pop()?.trim()
    : undefined;
  if (forwarded) return forwarded;
  try {
    return astro.clientAddress;
  } catch {
    return 'unknown';
  }
}

/** A fresh idempotency key for a form render; a re-post of the same form carries it back. */
export const newFormKey = () => crypto.randomUUID().replace(/-/g, '');
