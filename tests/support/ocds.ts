import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * A validator for OCDS 1.1.5 release packages, built from the official schemas vendored in
 * tests/fixtures/ocds-1.1.5 (unmodified, Apache-2.0; see its README). The package schema refers to
 * the release schema by URL; the local copy is registered under that URL, so nothing is fetched.
 */
export const OCDS_DIR = fileURLToPath(new URL('../fixtures/ocds-1.1.5', import.meta.url));

export function ocdsPackageValidator() {
  const read = (name: string) => JSON.parse(readFileSync(join(OCDS_DIR, name), 'utf8')) as Record<string, unknown>;
  // OCDS schemas carry their own keywords (codelist, openCodelist, mergeStrategy, …): not strict.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema(
    read('release-schema.json'),
    'https://standard.open-contracting.org/schema/1__1__5/release-schema.json',
  );
  return ajv.compile(read('release-package-schema.json'));
}

/** Codes of an OCDS codelist CSV (first column). */
export function codelist(name: string): string[] {
  return readFileSync(join(OCDS_DIR, 'codelists', name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',')[0]!);
}
