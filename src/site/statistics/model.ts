import type { StatTable } from '../../domain/statistics/table.ts';

/**
 * The statistics series, one page each under /statistics/<key>/, with CSV, JSON and an embeddable
 * chart. Official figures come from content/official-figures; portal series are derived from the
 * database (feedback, surveys), from content (disclosure timeliness) and from the scoring engine
 * (pass rates, src/services/scoring.ts).
 */
export const officialSeries = ['official-yoy', 'official-quarterly', 'four-forms', 'official-townships'] as const;
export const portalSeries = [
  'feedback-months',
  'feedback-carriers',
  'feedback-townships',
  'reply-times',
  'satisfaction',
  'disclosures-on-time',
  'pass-rates',
] as const;
export const seriesKeys = [...officialSeries, ...portalSeries] as const;
export type SeriesKey = (typeof seriesKeys)[number];
export const isSeriesKey = (s: string): s is SeriesKey => (seriesKeys as readonly string[]).includes(s);

/** One series as published: what the page, the CSV and the JSON all show. */
export interface Dataset {
  key: SeriesKey;
  title: string;
  lead: string;
  /** How each figure is defined and computed, in plain words. */
  definitions: string[];
  source: string;
  /** The period covered, for people (e.g. "2024 Q1 to 2026 Q3", in Chinese). */
  period: string;
  /** When the underlying data last changed (YYYY-MM-DD) or was computed (ISO date-time). */
  updated: string;
  demo: boolean;
  tables: StatTable[];
}

export const seriesPath = (key: SeriesKey): string => `/statistics/${key}/`;
export const embedPath = (key: SeriesKey): string => `/statistics/embed/${key}/`;
export const csvPath = (key: SeriesKey): string => `/statistics/${key}.csv`;
export const jsonPath = (key: SeriesKey): string => `/statistics/${key}.json`;
export const xlsxPath = (key: SeriesKey): string => `/statistics/${key}.xlsx`;
/** The long, machine-readable CSV (one line per cell) belongs to the open data. */
export const longCsvPath = (key: SeriesKey): string => `/data/statistics/${key}.csv`;
