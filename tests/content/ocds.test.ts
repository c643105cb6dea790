import { describe, expect, test } from 'vitest';
import { readCity, readDisclosures, readRegistry } from '../../src/content/files.ts';
import { releasePackage } from '../../src/site/disclosures/open-data.ts';
import { ocdsMethod } from '../../src/domain/disclosures/procurement/ocds.ts';
import { Procurement } from '../../src/domain/disclosures/procurement/schema.ts';
import { codelist, ocdsPackageValidator } from '../support/ocds.ts';
import { sampleProcurement } from '../support/disclosure-samples.ts';

const SITE = new URL('https://qinglian.example.org/');
const CITY = readCity();
const validate = ocdsPackageValidator();

describe('OCDS 1.1.5 export', () => {
  const { units } = readRegistry();
  const records = readDisclosures().procurement.map((e) => ({ id: e.id, data: e.data, unitName: units.find((u) => u.id === e.data.unit)!.name }));

  test('the release package of the demo procurements validates against the official schema', () => {
    const pkg = releasePackage(records, SITE, '2026-11-28', CITY);
    const ok = validate(pkg);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect((pkg.releases as unknown[]).length).toBe(records.length);
  });

  test('every variant validates: no contract, open tender, single source, no tender period or documents', () => {
    const base = sampleProcurement();
    const variants = [
      { ...base, contract: undefined },
      { ...base, method: 'openTender' as const, methodRationale: undefined },
      { ...base, method: 'singleSource' as const, bidders: base.bidders.slice(0, 1) },
      { ...base, tenderPeriod: undefined, documents: [] },
    ].map((v, i) => ({ id: `variant-${i}`, data: Procurement.parse(JSON.parse(JSON.stringify(v))), unitName: 'School A' }));
    const ok = validate(releasePackage(variants, SITE, '2026-11-28', CITY));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  test('the validator does reject a broken package', () => {
    const pkg = releasePackage(records, SITE, '2026-11-28', CITY) as { releases: Record<string, unknown>[] };
    delete pkg.releases[0]!.ocid;
    (pkg.releases[1] as { tag: string[] }).tag = ['notATag'];
    expect(validate(pkg)).toBe(false);
    expect(validate.errors!.map((e) => e.instancePath)).toEqual(expect.arrayContaining(['/releases/0', '/releases/1/tag/0']));
  });

  test('release ids are unique, and codes come from the 1.1.5 codelists', () => {
    const pkg = releasePackage(records, SITE, '2026-11-28', CITY) as { releases: { id: string; tender: { procurementMethod: string; mainProcurementCategory: string }; tag: string[] }[] };
    expect(new Set(pkg.releases.map((r) => r.id)).size).toBe(pkg.releases.length);
    const methods = codelist('method.csv');
    for (const m of Object.values(ocdsMethod)) expect(methods).toContain(m);
    for (const r of pkg.releases) {
      expect(codelist('procurementCategory.csv')).toContain(r.tender.mainProcurementCategory);
      for (const tag of r.tag) expect(codelist('releaseTag.csv')).toContain(tag);
    }
  });
});
