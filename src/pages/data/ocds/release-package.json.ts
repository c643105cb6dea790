import type { APIRoute } from 'astro';
import { releasePackage } from '../../../disclosures/open-data.ts';
import { openDataContext } from '../../../disclosures/context.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(JSON.stringify(releasePackage(await openDataContext(site)), null, 1), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
