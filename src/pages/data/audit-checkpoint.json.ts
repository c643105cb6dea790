import type { APIRoute } from 'astro';
import { checkpointForBuild } from '../../db/audit-checkpoint.ts';

// Prerendered at every build: the audit log's head (count, head id, head hash, time) as open data.
// Keep copies: `npm run audit:verify -- --checkpoint <copy>` detects truncation or recomputation
// against any earlier one (src/staff/README.md, "Audit log").
export const GET: APIRoute = async () =>
  new Response(`${JSON.stringify(await checkpointForBuild(new Date()), null, 2)}\n`, {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
