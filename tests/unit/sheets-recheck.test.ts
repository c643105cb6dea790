import { describe, expect, test } from 'vitest';
import { readDisclosures, readRegistry } from '../../src/content/files.ts';
import { recheckSubmission } from '../../src/publishing/sheets/recheck.ts';
import { uploadContext } from '../support/sheets.ts';

const published = readDisclosures(undefined, readRegistry());
const oct = published.canteenAccount.find((e) => e.id === 'xixi-central-primary-2026-10')!;
const nov = {
  ...oct.data,
  month: '2026-11',
  publishedOn: '2026-12-01',
  openingFen: oct.data.closingFen,
  closingFen: oct.data.closingFen + (oct.data.closingFen - oct.data.openingFen),
};

describe('re-check of a stored submission at approval', () => {
  test('a record valid with everything published now has no problems', () => {
    expect(recheckSubmission('canteenAccount', 'xixi-central-primary-2026-11', nov, uploadContext())).toEqual([]);
  });

  test('its own rules still run (an arithmetic error is found)', () => {
    const wrong = { ...nov, closingFen: nov.closingFen + 1 };
    const problems = recheckSubmission('canteenAccount', 'xixi-central-primary-2026-11', wrong, uploadContext());
    expect(problems.map((p) => p.message)).toContain('disclosures.canteen.balanceMismatch');
  });

  test('something published meanwhile changes the verdict', () => {
    const ctx = uploadContext();
    // Another record of the same unit and month was approved after the upload was checked.
    const meanwhile = { file: 'canteen-accounts/xixi-nov-other', id: 'xixi-nov-other', data: nov };
    const problems = recheckSubmission('canteenAccount', 'xixi-central-primary-2026-11', nov, {
      ...ctx,
      existing: { ...ctx.existing, canteenAccount: [...ctx.existing.canteenAccount, meanwhile] },
    });
    expect(problems).toEqual([
      expect.objectContaining({
        message: 'disclosures.canteen.duplicateMonth',
        vars: { other: 'xixi-nov-other' },
        file: '(stored)/xixi-central-primary-2026-11',
      }),
    ]);
  });
});
