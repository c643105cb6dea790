/**
 * Every piece of user-facing Chinese copy in src/ lives in this folder (STYLE.md §3), one file per area.
 * Keys are flat and dotted (`area.thing.state`); `{name}` placeholders are filled by `t()`. A key's first
 * segment says which file holds it (`nav.*` in site.ts, `data.*` in open-data.ts, …); every first segment
 * lives in one file only (tests/content/messages.test.ts).
 */
import { approvalMessages } from './approval.ts';
import { decisionFormMessages } from './decision-form.ts';
import { disclosuresMessages } from './disclosures.ts';
import { feedbackMessages } from './feedback.ts';
import { notificationsMessages } from './notifications.ts';
import { openDataMessages } from './open-data.ts';
import { powersMessages } from './powers.ts';
import { privacyMessages } from './privacy.ts';
import { scoringMessages } from './scoring.ts';
import { sheetsMessages } from './sheets.ts';
import { siteMessages } from './site.ts';
import { staffMessages } from './staff.ts';
import { statisticsMessages } from './statistics.ts';
import { surveysMessages } from './surveys.ts';
import { unitsMessages } from './units.ts';

/** The area files, by file name. */
export const messageAreas = {
  site: siteMessages,
  units: unitsMessages,
  disclosures: disclosuresMessages,
  'open-data': openDataMessages,
  feedback: feedbackMessages,
  privacy: privacyMessages,
  surveys: surveysMessages,
  statistics: statisticsMessages,
  scoring: scoringMessages,
  staff: staffMessages,
  sheets: sheetsMessages,
  notifications: notificationsMessages,
  approval: approvalMessages,
  powers: powersMessages,
  'decision-form': decisionFormMessages,
} as const;

type Areas = typeof messageAreas;
type AreaName = keyof Areas;
type KeysOf<A extends AreaName> = { [N in A]: keyof Areas[N] }[A];
/** Keys defined in more than one area file (spreading them below would silently keep only the last text). */
type DuplicatedKey = { [A in AreaName]: keyof Areas[A] & KeysOf<Exclude<AreaName, A>> }[AreaName];
// A type error here names the key that two area files both define.
const noDuplicatedKeys: [DuplicatedKey] extends [never] ? true : DuplicatedKey = true;
// eslint-disable-next-line @typescript-eslint/no-meaningless-void-operator -- marks the type check above as used
void noDuplicatedKeys;

export const messages = {
  ...siteMessages,
  ...unitsMessages,
  ...disclosuresMessages,
  ...openDataMessages,
  ...feedbackMessages,
  ...privacyMessages,
  ...surveysMessages,
  ...statisticsMessages,
  ...scoringMessages,
  ...staffMessages,
  ...sheetsMessages,
  ...notificationsMessages,
  ...decisionFormMessages,
  ...approvalMessages,
  ...powersMessages,
} as const;

export type MessageKey = keyof typeof messages;
