import { z } from 'zod';

/**
 * Staff roles and the permission matrix, as data (RELIABILITY.md §1 V8.1.1). A route that is not in
 * `staffRoutes` cannot be guarded, and tests/e2e/staff.test.ts walks every role × route here
 * (plus "no session"), so adding a page means adding one entry below.
 *
 * Separation of duties (MLPS 2.0 level 3, separation of duties; RELIABILITY.md §2.1): the commission admin manages accounts and handles the
 * misconduct reports routed to the commission; moderators moderate; responders answer for their own
 * units only; evaluators mark; the evaluation team's lead reconciles the evaluators' marks, signs a
 * unit's year off and answers the units' appeals, but marks nothing as an evaluator; publishers (a unit's
 * disclosure clerk, issue 12) prepare disclosures for their own units only, and approvers (the unit's head, or for a
 * village's affairs the village supervisory committee sign-off, DOMAIN.md §2.3) approve or return them for their own units, never
 * their own submissions. Nobody gets everything.
 */
export const staffRoles = ['admin', 'moderator', 'responder', 'evaluator', 'lead', 'publisher', 'approver'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** How a route's `[param]` is filled in tests: a feedback item id, a unit id or a year. */
export type RouteParam = 'feedback' | 'unit' | 'year' | 'account' | 'survey' | 'template' | 'build' | 'submission';

export interface StaffRoute {
  /** The URL pattern with Astro-style `[param]` segments; always under /staff/. */
  path: string;
  /** Roles that may use the route. */
  roles: readonly StaffRole[];
  /** Which kind of value each `[param]` takes (the matrix test fills them in). */
  params?: Readonly<Record<string, RouteParam>>;
  /** Whether the route's page accepts POST (form actions) besides GET. */
  post?: boolean;
  /** Whether its forms may be `multipart/form-data` (file uploads); every other POST is urlencoded only. */
  multipart?: boolean;
}

const everyone = staffRoles;

export const staffRoutes = {
  home: { path: '/staff/', roles: everyone },
  inbox: { path: '/staff/inbox/', roles: ['responder', 'admin'] },
  inboxItem: { path: '/staff/inbox/[id]/', roles: ['responder', 'admin'], params: { id: 'feedback' }, post: true },
  moderation: { path: '/staff/moderation/', roles: ['moderator'] },
  moderationItem: { path: '/staff/moderation/[id]/', roles: ['moderator'], params: { id: 'feedback' }, post: true },
  evaluation: { path: '/staff/evaluation/', roles: ['evaluator'], post: true },
  evaluationUnit: {
    path: '/staff/evaluation/[year]/[unit]/',
    roles: ['evaluator'],
    params: { year: 'year', unit: 'unit' },
    post: true,
  },
  /** One evaluator's own marks of a unit and year, with evidence (notes, photos, documents; multipart). */
  evaluationTeam: {
    path: '/staff/evaluation/[year]/[unit]/team/',
    roles: ['evaluator'],
    params: { year: 'year', unit: 'unit' },
    post: true,
    multipart: true,
  },
  /** The lead: every evaluator's marks side by side, reconciliation and sign-off. */
  evaluationSignoff: {
    path: '/staff/evaluation/[year]/[unit]/signoff/',
    roles: ['lead'],
    params: { year: 'year', unit: 'unit' },
    post: true,
  },
  /** Appeals: a unit's responder lodges one for its own units; the lead answers. */
  appeals: { path: '/staff/appeals/', roles: ['responder', 'lead'], post: true },
  consultation: { path: '/staff/consultation/', roles: ['admin', 'evaluator'] },
  accounts: { path: '/staff/accounts/', roles: ['admin'], post: true },
  account: { path: '/staff/accounts/[id]/', roles: ['admin'], params: { id: 'account' }, post: true },
  /**
   * Surveys are run by the commission (DOMAIN.md §5: the clean-government satisfaction survey is the
   * commission's instrument, C6 of the standard), so the commission admin only: moderators handle
   * feedback, evaluators mark units that the survey rates, responders belong to the rated units.
   */
  surveys: { path: '/staff/surveys/', roles: ['admin'], post: true },
  survey: { path: '/staff/surveys/[id]/', roles: ['admin'], params: { id: 'survey' }, post: true },
  surveySlips: { path: '/staff/surveys/[id]/slips/', roles: ['admin'], params: { id: 'survey' } },
  audit: { path: '/staff/audit/', roles: ['admin'] },
  /**
   * Disclosure publishing (issue 12): a unit's publisher downloads templates and checks an upload for the units
   * they are bound to. Nothing is stored yet; approval by the unit's head (or the commission) comes later.
   */
  disclosures: { path: '/staff/disclosures/', roles: ['publisher'], post: true },
  /** One matter (a unit's power-list item exercised) drafted in a plain HTML form, submitted like an upload. */
  disclosureMatter: { path: '/staff/disclosures/matter/', roles: ['publisher'], post: true },
  disclosureTemplate: {
    path: '/staff/disclosures/templates/[file]',
    roles: ['publisher'],
    params: { file: 'template' },
  },
  /**
   * A unit's power list (issue 12 "Every carrier publishes"): its publisher edits the list in force with plain
   * forms and submits the whole list for approval, for the units they are bound to only.
   */
  powers: { path: '/staff/powers/', roles: ['publisher'], post: true },
  /**
   * A village's 4+2 record as a plain form (issue 12): a new record with its first stage, and with `?record=<id>`
   * the next stage of a stored record of the publisher's units; both submit for the committee's sign-off.
   */
  decisionForm: { path: '/staff/disclosures/decision/', roles: ['publisher'], post: true },
  /** Approval (issue 12): the approver's units' pending submissions, oldest first. */
  approvals: { path: '/staff/approvals/', roles: ['approver'] },
  /** One submission previewed as the public will see it, with approve / return (and the village committee's sign-off). */
  approval: { path: '/staff/approvals/[id]/', roles: ['approver'], params: { id: 'submission' }, post: true },
  /**
   * Rebuilds of the public site (issue 12 "Live without restart"): the commission admin lists them and
   * queues a manual one; a request's progress page is also the approver's, whose approval queued it, and the
   * publisher's, who submitted what it publishes.
   */
  builds: { path: '/staff/builds/', roles: ['admin'], post: true },
  build: { path: '/staff/builds/[id]/', roles: ['approver', 'publisher', 'admin'], params: { id: 'build' } },
  // Call-back: the commission's staff reveal a submitter's phone for a stated reason; never a unit.
  contactReveal: {
    path: '/staff/contact/[id]/',
    roles: ['admin', 'moderator'],
    params: { id: 'feedback' },
    post: true,
  },
} as const satisfies Record<string, StaffRoute>;
export type StaffRouteKey = keyof typeof staffRoutes;
export const staffRouteKeys = Object.keys(staffRoutes) as StaffRouteKey[];

const patterns = staffRouteKeys.map(
  (key) => [key, new RegExp(`^${staffRoutes[key].path.replace(/\[\w+\]/g, '[^/]+')}$`)] as const,
);

/** Whether a path's route takes multipart form posts (file uploads). */
export function acceptsMultipart(path: string): boolean {
  const key = patterns.find(([, re]) => re.test(path))?.[0];
  return key !== undefined && 'multipart' in staffRoutes[key];
}

/** True when the role may use the route (the unit scope is checked separately). */
export function canAccess(role: StaffRole, route: StaffRouteKey): boolean {
  return (staffRoutes[route].roles as readonly StaffRole[]).includes(role);
}

/**
 * The session and login-limit policy (RELIABILITY.md §1 V6/V7 and §2.1, login failure handling; issue 13:
 * limits that cannot be turned against the owner). No limit ever locks an account as such: see
 * `loginGate` in ./login-limits.ts for how the three limits below combine.
 */
export const staffPolicy = {
  /** Per username and client address: failures answered at once; after them each attempt waits longer. */
  pairFreeFailures: 3,
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  pairDelayBaseMs: 1_000,
  pairDelayMaxMs: 15 * 60_000,
  /** How long failures count for the per-pair delay and the per-username slowdown. */
  failureWindowMs: 60 * 60_000,
  /** Failed logins per client address (any username) within `addressWindowMs` that throttle it. */
  failuresPerIp: 30,
  addressWindowMs: 15 * 60_000,
  /**
   * Per username, from every address: each failure past the free ones slows every attempt by `slowdownStepMs`,
   * at most `slowdownMaxMs`. Bounded small on purpose: a slowdown, never a refusal, so failures from other
   * addresses cannot keep the owner (right password and code) out.
   */
  slowdownFreeFailures: 10,
  slowdownStepMs: 20,
  slowdownMaxMs: 1_500,
  /** Sessions end after 30 minutes without a request, and 12 hours after login whatever happens. */
  idleMs: 30 * 60_000,
  absoluteMs: 12 * 3_600_000,
} as const;
export type StaffPolicy = typeof staffPolicy;

export const USERNAME_MAX = 40;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;
export const DISPLAY_NAME_MAX = 40;

export const Username = z
  .string('staff.username.required')
  .trim()
  .toLowerCase()
  .regex(/^[a-z][a-z0-9._-]{2,39}$/, 'staff.username.invalid');

/** ASVS V6.2: a length rule only, no composition rules; paste allowed. */
export const Password = z
  .string('staff.password.required')
  .min(PASSWORD_MIN, 'staff.password.tooShort')
  .max(PASSWORD_MAX, 'staff.password.tooLong');

const DisplayName = z
  .string('staff.displayName.required')
  .trim()
  .min(1, 'staff.displayName.required')
  .max(DISPLAY_NAME_MAX, 'staff.displayName.tooLong');
const Role = z.enum(staffRoles, 'staff.role.invalid');
/** Units a responder answers for, a publisher publishes for or an approver approves for (at least one); empty for the other roles. */
const UnitIds = z.array(z.string().min(1)).default([]);
/** The roles that act for units (bound to one or more): responders, publishers and approvers. */
export const unitBoundRoles: readonly StaffRole[] = ['responder', 'publisher', 'approver'];
const responderUnits = (a: { role: StaffRole; unitIds: string[] }) =>
  unitBoundRoles.includes(a.role) === a.unitIds.length > 0;
const responderUnitsError = { error: 'staff.units.responderOnly', path: ['unitIds'] };

export const NewStaffAccount = z
  .strictObject({ username: Username, displayName: DisplayName, role: Role, password: Password, unitIds: UnitIds })
  .refine(responderUnits, responderUnitsError);
export type NewStaffAccount = z.infer<typeof NewStaffAccount>;

/**
 * An account made by an admin in the console: no password is typed (one is generated and shown once) and
 * the user enrols TOTP at first login (/staff/enrol/).
 */
export const ConsoleAccount = z
  .strictObject({ username: Username, displayName: DisplayName, role: Role, unitIds: UnitIds })
  .refine(responderUnits, responderUnitsError);
export type ConsoleAccount = z.infer<typeof ConsoleAccount>;

/** A change of role and units (the same responder ⇔ units rule). */
export const AccountRoleChange = z
  .strictObject({ role: Role, unitIds: UnitIds })
  .refine(responderUnits, responderUnitsError);
export type AccountRoleChange = z.infer<typeof AccountRoleChange>;

/** The first-login step: the password (shown once by the admin), then the code from the scanned QR. */
export const EnrolStart = z.strictObject({
  username: z
    .string('staff.username.required')
    .trim()
    .toLowerCase()
    .min(1, 'staff.username.required')
    .max(USERNAME_MAX, 'staff.login.failed'),
  password: z
    .string('staff.password.required')
    .min(1, 'staff.password.required')
    .max(PASSWORD_MAX, 'staff.login.failed'),
});

export const EnrolFinish = z.strictObject({
  ticket: z.string('staff.enrol.expired').min(1, 'staff.enrol.expired').max(400, 'staff.enrol.expired'),
  code: z
    .string('staff.login.codeRequired')
    .transform((s) => s.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'staff.login.codeInvalid')),
  /** Required when the password was set by an admin. */
  newPassword: Password.optional(),
});

/** How long the enrolment step (QR shown, code not yet confirmed) stays valid. */
export const ENROL_TICKET_MS = 10 * 60_000;

/** The login form: the TOTP code is six digits (spaces tolerated). */
export const LoginInput = z.strictObject({
  username: z
    .string('staff.username.required')
    .trim()
    .toLowerCase()
    .min(1, 'staff.username.required')
    .max(USERNAME_MAX, 'staff.login.failed'),
  password: z
    .string('staff.password.required')
    .min(1, 'staff.password.required')
    .max(PASSWORD_MAX, 'staff.login.failed'),
  code: z
    .string('staff.login.codeRequired')
    .transform((s) => s.replace(/\s+/g, ''))
    .pipe(z.string().regex(/^\d{6}$/, 'staff.login.codeInvalid')),
  next: z.string().optional(),
});
export type LoginInput = z.infer<typeof LoginInput>;

/** A same-site path to go to after login; anything else (another origin, `//host`) becomes /staff/. */
export function safeNext(next: string | undefined): string {
  if (!next || !next.startsWith('/staff/') || next.startsWith('//') || /[\\\s]/.test(next)) return '/staff/';
  return next;
}

export type SessionEnd = 'idle' | 'absolute' | 'revoked' | 'disabled';

/** Whether a session is still valid at `now`; the reason it ended otherwise. */
export function sessionState(
  s: { createdAt: Date; lastSeenAt: Date; revokedAt: Date | null },
  accountDisabled: boolean,
  now: Date,
  policy: Pick<typeof staffPolicy, 'idleMs' | 'absoluteMs'> = staffPolicy,
): { ok: true } | { ok: false; reason: SessionEnd } {
  if (s.revokedAt) return { ok: false, reason: 'revoked' };
  if (accountDisabled) return { ok: false, reason: 'disabled' };
  if (now.getTime() >= s.createdAt.getTime() + policy.absoluteMs) return { ok: false, reason: 'absolute' };
  if (now.getTime() >= s.lastSeenAt.getTime() + policy.idleMs) return { ok: false, reason: 'idle' };
  return { ok: true };
}
