import type { APIRoute } from 'astro';
import { fileResponse } from '../../../services/attachments.ts';
import { publicDisclosureFile } from '../../../services/disclosure-attachments.ts';

// On demand: one attachment of a stored disclosure (issue 12), only while it belongs to the approved version in
// force of a disclosure that is not withdrawn; an image re-encoded without metadata, a PDF as a sandboxed download.
// Anything submitted but not approved, replaced by a correction, withdrawn or unknown is not found.
export const prerender = false;

// Revocable: caches revalidate every time (a withdrawn file must leave them too); the ETag is the hash.
export const GET: APIRoute = async ({ params, locals, request }) => {
  const sha = params.sha ?? '';
  const file = locals.attachments ? await publicDisclosureFile(locals.attachments, sha) : null;
  if (!file) return new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  if (request.headers.get('if-none-match') === `"${sha}"`)
    return new Response(null, { status: 304, headers: { ETag: `"${sha}"`, 'Cache-Control': 'public, no-cache' } });
  return fileResponse(file, sha, 'revocable');
};
