import type { DisclosureKind } from '../../domain/disclosures/kinds.ts';
import { validateDisclosures, type LocatedProblem } from '../../domain/disclosures/validate.ts';
import type { UploadContext } from './check.ts';

const STORED = '(stored)/';

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
  const file = `${STORED}${id}`;
  const files = {
    ...ctx.existing,
    [kind]: [...ctx.existing[kind].filter((e) => e.id !== id), { file, id, data }],
  };
  const { problems } = validateDisclosures({ units: ctx.units, calendar: ctx.calendar, files });
  return problems.filter((p) => p.file === file);
}
