import type { APIRoute } from 'astro';
import { fileResponse, publicEvidenceFile } from '../../../services/attachments.ts';

// On demand: one evidence file of a signed-off evaluation (a photo re-encoded without metadata, or a PDF as a
// sandboxed download). Anything not yet signed off, or not evidence at all, is not found.
export const prerender = false;

export const GET: APIRoute = async ({ params, locals }) => {
  const sha = params.sha ?? '';
  const file = locals.attachments ? await publicEvidenceFile(locals.attachments, sha) : null;
  if (!file) return new Response(null, { status: 404, headers: { 'Cache-Control': 'no-store' } });
  return fileResponse(file, sha, 'public');
};
