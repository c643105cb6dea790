import type { APIRoute } from 'astro';
import { disclosureKinds, kindSlugs } from '../../../../domain/disclosures/kinds.ts';
import { unitsForKind } from '../../../../content/upload-context.ts';
import { csvTemplate, xlsxTemplate } from '../../../../publishing/sheets/template.ts';
import { XLSX_TYPE } from '../../../../lib/xlsx.ts';
import { requireStaff, staffErrorPage } from '../../../../staff/guard.ts';

// On demand, publishers only: the template of a kind, `<kind slug>.xlsx` or `.csv`, with the clerk's units in
// its drop-down.
export const prerender = false;

export const GET: APIRoute = async (context) => {
  const guard = requireStaff(context, 'disclosureTemplate');
  if (!guard.ok) return guard.response;
  const m = /^([a-z-]+)\.(xlsx|csv)$/.exec(context.params.file ?? '');
  const kind = disclosureKinds.find((k) => kindSlugs[k] === m?.[1]);
  if (!m || !kind) return staffErrorPage(404);
  const units = await unitsForKind(guard.session.account.unitIds, kind);
  if (units.length === 0) return staffErrorPage(404);
  const name = `qinglian-${kindSlugs[kind]}-template.${m[2]!}`;
  const disposition = `attachment; filename="${name}"`;
  if (m[2] === 'csv')
    return new Response(csvTemplate(kind, { units }), {
      headers: { 'Content-Type': 'text/csv; charset=utf-8', 'Content-Disposition': disposition },
    });
  return new Response(await xlsxTemplate(kind, { units }), {
    headers: { 'Content-Type': XLSX_TYPE, 'Content-Disposition': disposition },
  });
};
