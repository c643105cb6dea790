import type { Procurement, ProcurementMethod } from './schema.ts';

/**
 * Procurement → OCDS 1.1.5 release, the "easy releases" way (ANCHORS.md §5): one release per
 * contracting process, rebuilt on every change, its `id` = ocid + a hash of its content so that a
 * change is visible to anyone who compares. Labels in Chinese come from the caller.
 */
export const OCDS_VERSION = '1.1';

/** Local method → OCDS closed `method` codelist (the local name goes in procurementMethodDetails). */
export const ocdsMethod: Record<ProcurementMethod, 'open' | 'selective' | 'limited' | 'direct'> = {
  openTender: 'open',
  competitiveConsultation: 'selective',
  competitiveNegotiation: 'limited',
  inquiry: 'limited',
  singleSource: 'direct',
};

/** Where each document kind belongs and its OCDS documentType code (open codelist, 1.1.5 codes only). */
const documentPlacement = {
  parentsMinutes: { section: 'planning', type: 'needsAssessment' },
  tenderNotice: { section: 'tender', type: 'tenderNotice' },
  biddingDocuments: { section: 'tender', type: 'biddingDocuments' },
  technicalSpecifications: { section: 'tender', type: 'technicalSpecifications' },
  evaluationReports: { section: 'award', type: 'evaluationReports' },
  awardNotice: { section: 'award', type: 'awardNotice' },
  contractSigned: { section: 'contract', type: 'contractSigned' },
} as const;

export interface OcdsContext {
  /** The registered OCID prefix (ocds-xxxxxx). */
  ocidPrefix: string;
  /** Absolute site URL, used to make document links absolute (OCDS wants URIs). */
  siteUrl: string;
  /** Display name of the school. */
  unitName: string;
  /** Display name of the school's parents' committee. */
  parentCommitteeName: string;
  /** The local name of the method, e.g. in Chinese. */
  methodLabel: string;
}

/** ISO date-time for a Beijing calendar date. */
const at = (date: string) => `${date}T00:00:00+08:00`;
const cny = (fen: number) => ({ amount: fen / 100, currency: 'CNY' });

/** 32-bit FNV-1a of a string as 8 hex digits: a change detector, not a security hash. */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

export function ocidOf(id: string, prefix: string): string {
  return `${prefix}-${id}`;
}

/** The newest date the release carries: its `date`. */
export function releaseDateOf(p: Procurement): string {
  return [p.publishedOn, p.award.date, p.publicity.start, p.contract?.signedOn ?? ''].reduce((a, b) => (b > a ? b : a));
}

export function toOcdsRelease(id: string, p: Procurement, ctx: OcdsContext): Record<string, unknown> {
  const ocid = ocidOf(id, ctx.ocidPrefix);
  const buyer = { id: p.unit, name: ctx.unitName };
  const bidderRef = (i: number) => ({ id: `${id}-bidder-${i + 1}`, name: p.bidders[i]!.name });
  const winner = p.bidders.findIndex((b) => b.name === p.award.supplier);
  const docs = (section: 'planning' | 'tender' | 'award' | 'contract') =>
    p.documents
      .map((d, i) => ({ d, i, place: documentPlacement[d.kind] }))
      .filter((x) => x.place.section === section)
      .map(({ d, i, place }) => ({
        id: `${id}-doc-${i + 1}`,
        documentType: place.type,
        title: d.title,
        ...(d.url ? { url: d.url.startsWith('/') ? new URL(d.url, ctx.siteUrl).href : d.url } : {}),
        ...(d.date ? { datePublished: at(d.date) } : {}),
        language: 'zh',
      }));
  const item = {
    id: '1',
    description: p.itemDescription,
    quantity: p.award.quantity,
    unit: { name: p.award.unitName, value: cny(p.award.unitPriceFen) },
  };
  const awardId = `${id}-award-1`;
  const parties = [
    { ...buyer, roles: ['buyer', 'procuringEntity'] },
    ...p.bidders.map((_, i) => ({ ...bidderRef(i), roles: i === winner ? ['tenderer', 'supplier'] : ['tenderer'] })),
    ...(p.parentCommittee.participated
      ? [{ id: `${p.unit}-parents`, name: ctx.parentCommitteeName, roles: ['interestedParty'] }]
      : []),
  ];
  const planningDocs = docs('planning');
  const release: Record<string, unknown> = {
    ocid,
    id: '',
    date: at(releaseDateOf(p)),
    tag: p.contract ? ['tender', 'award', 'contract'] : ['tender', 'award'],
    initiationType: 'tender',
    language: 'zh',
    parties,
    buyer,
    planning: { budget: { amount: cny(p.budgetFen) }, ...(planningDocs.length ? { documents: planningDocs } : {}) },
    tender: {
      id: `${id}-tender`,
      title: p.title,
      status: 'complete',
      procuringEntity: buyer,
      items: [item],
      value: cny(p.budgetFen),
      procurementMethod: ocdsMethod[p.method],
      procurementMethodDetails: ctx.methodLabel,
      ...(p.methodRationale ? { procurementMethodRationale: p.methodRationale } : {}),
      mainProcurementCategory: 'goods',
      ...(p.tenderPeriod
        ? { tenderPeriod: { startDate: at(p.tenderPeriod.start), endDate: at(p.tenderPeriod.end) } }
        : {}),
      awardPeriod: { startDate: at(p.publicity.start), endDate: at(p.publicity.end) },
      numberOfTenderers: p.bidders.length,
      tenderers: p.bidders.map((_, i) => bidderRef(i)),
      documents: docs('tender'),
    },
    awards: [
      {
        id: awardId,
        title: p.title,
        status: p.contract ? 'active' : 'pending',
        date: at(p.award.date),
        value: cny(p.award.amountFen),
        suppliers: winner >= 0 ? [bidderRef(winner)] : [],
        items: [item],
        documents: docs('award'),
      },
    ],
    ...(p.contract
      ? {
          contracts: [
            {
              id: `${id}-contract-1`,
              awardID: awardId,
              title: p.title,
              status: 'active',
              dateSigned: at(p.contract.signedOn),
              value: cny(p.award.amountFen),
              items: [item],
              documents: docs('contract'),
            },
          ],
        }
      : {}),
  };
  release.id = `${ocid}-${contentHash(JSON.stringify(release))}`;
  return release;
}

export interface PackageContext {
  /** Where the package is published (absolute URL). */
  uri: string;
  publisherName: string;
  /** Date-time of the newest release, so the package date only moves when content does. */
  publishedDate: string;
  license: string;
  publicationPolicy: string;
}

export function toReleasePackage(releases: Record<string, unknown>[], ctx: PackageContext): Record<string, unknown> {
  return {
    uri: ctx.uri,
    version: OCDS_VERSION,
    publishedDate: ctx.publishedDate,
    publisher: { name: ctx.publisherName },
    license: ctx.license,
    publicationPolicy: ctx.publicationPolicy,
    releases,
  };
}
