import type { APIRoute } from 'astro';
import { releasePackageOf } from '../../../site/disclosures/open-data.ts';
import { openDataContext } from '../../../site/disclosures/context.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(JSON.stringify(releasePackageOf(await openDataContext(site)), null, 1), {
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
