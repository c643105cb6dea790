import { readStandards } from '../../src/content/standards-files.ts';
import { CONTENT_DIR, readDisclosures, readRegistry } from '../../src/content/files.ts';
import { contentRatios } from '../../src/domain/scoring/content-facts.ts';
import { defaultFeedbackRules } from './calendar.ts';
import { beijingDate } from '../../src/domain/calendar/dates.ts';
import type { ScoringSources } from '../../src/services/scoring.ts';

/** Scoring inputs from the real content/ folder, with a fixed clock. */
export function scoringSources(now: Date): ScoringSources {
  return {
    standards: readStandards(CONTENT_DIR).map((f) => f.standard),
    content: contentRatios({ ...readDisclosures(), units: readRegistry().units }, beijingDate(now)),
    now,
    rules: defaultFeedbackRules,
  };
}
