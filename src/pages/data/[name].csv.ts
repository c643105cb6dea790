import type { APIRoute, GetStaticPaths } from 'astro';
import { tableCsv, tables } from '../../site/disclosures/open-data.ts';
import { openDataContext } from '../../site/disclosures/context.ts';

export const getStaticPaths = (() =>
  tables.map((table) => ({ params: { name: table.name }, props: { name: table.name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props, site }) => {
  const table = tables.find((x) => x.name === (props as { name: string }).name)!;
  return new Response(tableCsv(table, await openDataContext(site)), {
    headers: { 'Content-Type': 'text/csv; charset=utf-8' },
  });
};
