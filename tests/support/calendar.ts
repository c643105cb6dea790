import { readCalendar } from '../../src/content/files.ts';
import { feedbackRules } from '../../src/domain/feedback/deadlines.ts';

/** The shipped calendar, read from content/calendar exactly as the server and the build read it. */
export const chinaCalendar = readCalendar().calendar;
/** The default feedback rules over the shipped calendar. */
export const defaultFeedbackRules = feedbackRules(chinaCalendar);
