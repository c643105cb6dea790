import type { Database } from '../db/client.ts';
import { purgeContacts } from '../db/feedback-repo.ts';
import { addDays } from '../domain/feedback/deadlines.ts';

/**
 * The purge of submitters' contacts after the retention period (PIPL art.47; DOMAIN.md §7.3 "automatic deletion
 * after closure plus the retention period"): every contact of an item closed more than `retentionDays` ago is
 * deleted, each with its audit row (src/db/feedback-repo.ts `purgeContacts`). The server runs it at start and
 * hourly.
 *
 * Why a plain unref'd interval and not croner: the rule is relative ("closed more than N days ago") and the purge
 * is idempotent, so when it runs within the hour does not matter and a missed run is caught up by the next one;
 * there is no wall-clock expression, time zone or catch-up policy to express (the same reasoning as the audit
 * checkpoints, src/services/audit-checkpoint.ts).
 */
export const CONTACT_PURGE_EVERY_MS = 3_600_000;

export interface ContactPurgeSchedule {
  /** Purge now (waits for a run in progress first); resolves with the number of contacts deleted. */
  run(): Promise<number>;
  /** Stop the timer; resolves once a run in progress has finished. */
  stop(): Promise<void>;
}

export function scheduleContactPurge(
  database: Database,
  opts: {
    now: () => Date;
    retentionDays: number;
    everyMs?: number;
    onPurged?: (count: number) => void;
    onError?: (e: unknown) => void;
  },
): ContactPurgeSchedule {
  let last: Promise<number> = Promise.resolve(0);
  const run = () => {
    const next = last
      .catch(() => 0)
      .then(async () => {
        const now = opts.now();
        const purged = await purgeContacts(database, addDays(now, -opts.retentionDays), now);
        if (purged > 0) opts.onPurged?.(purged);
        return purged;
      })
      .catch((e: unknown) => {
        opts.onError?.(e);
        return 0;
      });
    last = next;
    return next;
  };
  const timer = setInterval(() => void run(), opts.everyMs ?? CONTACT_PURGE_EVERY_MS);
  timer.unref();
  void run();
  return {
    run,
    async stop() {
      clearInterval(timer);
      await last;
    },
  };
}
