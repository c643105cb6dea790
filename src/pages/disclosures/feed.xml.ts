import type { APIRoute } from 'astro';
import { atomFeed } from '../../site/disclosures/open-data.ts';
import { openDataContext } from '../../site/disclosures/context.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(atomFeed(await openDataContext(site)), {
    headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' },
  });
