import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { validateDisclosures, type DisclosureData, type LocatedProblem } from '../../domain/disclosures/validate.ts';
import type { UploadContext } from './check.ts';

const FORM = '(form)/';

export type RecordCheck<K extends DisclosureKind> =
  { ok: true; data: DisclosureData[K] } | { ok: false; problems: LocatedProblem[] };

/**
 * One record typed into an HTML form (no spreadsheet) through exactly the checks an upload gets: the clerk's
 * units only, `demo` on the demo city, then the build's own `validateDisclosures` (the personal-data scan, the
 * schema, the kind's rules, the rules across records) together with everything published (`ctx.existing`, a
 * record of the same id replaced). Returns the record as the schema parsed it, or its problems (field paths
 * inside the record). Stores nothing.
 */
export function checkRecord<K extends DisclosureKind>(
  kind: K,
  id: string,
  data: Record<string, unknown>,
  ctx: UploadContext,
): RecordCheck<K> {
  const unit = data['unit'];
  if (typeof unit === 'string' && ctx.allowedUnits && !ctx.allowedUnits.includes(unit))
    return {
      ok: false,
      problems: [{ file: `${FORM}${id}`, path: ['unit'], message: 'sheets.unit.outOfScope', vars: { unit } }],
    };
  const file = `${FORM}${id}`;
  const record = ctx.demo ? { ...data, demo: true } : data;
  const files = {
    ...ctx.existing,
    [kind]: [...ctx.existing[kind].filter((e) => e.id !== id), { file, id, data: record }],
  };
  const { entries, problems } = validateDisclosures({ units: ctx.units, calendar: ctx.calendar, files });
  const own = problems.filter((p) => p.file === file);
  if (own.length) return { ok: false, problems: own };
  const entry = (entries[kind] as { file: string; data: DisclosureData[K] }[]).find((e) => e.file === file)!;
  return { ok: true, data: entry.data };
}
