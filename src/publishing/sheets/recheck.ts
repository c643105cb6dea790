import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { validateDisclosures, type DisclosureData, type LocatedProblem } from '../../domain/disclosures/validate.ts';
import type { UploadContext } from './check.ts';

const STORED = '(stored)/';

/**
 * One record through the build's own `validateDisclosures` together with everything published now
 * (`ctx.existing`, a record of the same id replaced): the problems that concern it and, when there are none, the
 * record as the schema parsed it (defaults filled in). The HTML form of a 4+2 record (src/forms/decision-form.ts)
 * checks with exactly this, as the approval's re-check does.
 */
export function checkRecord<K extends DisclosureKind>(
  kind: K,
  id: string,
  data: unknown,
  ctx: UploadContext,
): { problems: LocatedProblem[]; data?: DisclosureData[K] } {
  const file = `${STORED}${id}`;
  const files = {
    ...ctx.existing,
    [kind]: [...ctx.existing[kind].filter((e) => e.id !== id), { file, id, data }],
  };
  const { entries, problems } = validateDisclosures({ units: ctx.units, calendar: ctx.calendar, files });
  const own = problems.filter((p) => p.file === file);
  const entry = (entries[kind] as { file: string; data: DisclosureData[K] }[]).find((e) => e.file === file);
  return own.length === 0 && entry ? { problems: [], data: entry.data } : { problems: own };
}

/**
 * The re-check of a stored submission at approval (issue 12): the build's own `validateDisclosures` over
 * the submitted record together with everything published now (`ctx.existing`, a record of the same id
 * replaced), so that something published after the upload was checked can change the verdict. Returns the
 * problems that concern the submitted record (none: it may be approved).
 */
export function recheckSubmission(
  kind: DisclosureKind,
  id: string,
  data: unknown,
  ctx: UploadContext,
): LocatedProblem[] {
  return checkRecord(kind, id, data, ctx).problems;
}
