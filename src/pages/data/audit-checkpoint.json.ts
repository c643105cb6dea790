import type { APIRoute } from 'astro';
import { publishedCheckpoints } from '../../services/audit-checkpoint.ts';

// On demand, from the live database: the newest signed checkpoint of the audit log (position, head hash,
// time, Ed25519 signature) and every earlier one, as open data. The server writes them hourly and after
// every 1,000 rows (src/services/audit-checkpoint.ts). Keep copies: `npm run audit:verify -- --checkpoint
// <copy>` checks them against the log (src/staff/README.md, "Audit log").
export const prerender = false;

export const GET: APIRoute = async ({ locals }) =>
  new Response(
    `${JSON.stringify(await publishedCheckpoints(locals.database, locals.auditKey, new Date()), null, 2)}\n`,
    {
      headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'public, max-age=60' },
    },
  );
