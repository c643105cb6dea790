import type { APIRoute } from 'astro';
import { checkpointForBuild } from '../../app-context.ts';

// Prerendered at every build: the audit log's head (count, head id, head hash, time) as open data.
// Keep copies: `npm run audit:verify -- --checkpoint <copy>` detects truncation or recomputation
// against any earlier one (src/staff/README.md, "Audit log"). The build is this page's entry point, so
// it opens the database through the composition root.
export const GET: APIRoute = async () =>
  new Response(`${JSON.stringify(await checkpointForBuild(new Date()), null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
