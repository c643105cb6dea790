import type { APIRoute, GetStaticPaths } from 'astro';
import { collectionJson } from '../../site/disclosures/open-data.ts';
import { openDataContext } from '../../site/disclosures/context.ts';
import { disclosureKinds, kindSlugs, type DisclosureKind } from '../../domain/disclosures/kinds.ts';

export const getStaticPaths = (() =>
  disclosureKinds.map((kind) => ({ params: { name: kindSlugs[kind] }, props: { kind } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props, site }) => {
  const body = collectionJson((props as { kind: DisclosureKind }).kind, await openDataContext(site));
  return new Response(body, { headers: { 'Content-Type': 'application/json; charset=utf-8' } });
};
