import { loadBuildSettings } from '../../src/lib/config.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createAppContext } from '../../src/app-context.ts';
import { prepareDatabase } from '../../src/cli/prepare.ts';
import { findByTrackingCode, findSealedContact } from '../../src/db/feedback-repo.ts';
import { FeedbackReceipt } from '../../src/domain/feedback/public.ts';
import { addDays } from '../../src/domain/feedback/deadlines.ts';
import { normaliseCode, TRACKING_CODE_LENGTH } from '../../src/domain/feedback/tracking.ts';
import { loadConfig } from '../../src/lib/config.ts';
import { runStaffCommand } from '../../src/services/feedback.ts';
import { testApi } from '../support/api.ts';
import { TEST_SECRET_ENV, testChannel } from '../support/channel.ts';
import { generalItem, jsonPost } from '../support/channel-fixtures.ts';
import { startTestServer } from '../support/server.ts';
import { waitFor } from '../support/wait.ts';

/**
 * (The demo seed runs too: every unit in content/ is a demo unit, so DEMO=true is needed to submit to one.)
 * The real server purges submitters' phones past the retention period by itself (src/server.ts schedules
 * src/services/contact-retention.ts at start and hourly): a database holding an item closed long ago, one
 * closed recently and one still open is handed to `node src/server.ts`; only the old one's phone goes.
 */
describe('the server purges expired contacts on its schedule', () => {
  test('at start: only the contact of the item closed longer ago than CONTACT_RETENTION_DAYS is deleted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-purge-'));
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      SITE_URL: loadBuildSettings().SITE_URL,
      DATABASE_URL: `file:${join(dir, 'test.db')}`,
      DEMO: 'true',
      LOG_LEVEL: 'silent',
      ...TEST_SECRET_ENV,
    };
    // Relative to the real clock the server runs on: submitted 400 days ago.
    const submittedAt = addDays(new Date(), -400);
    const ids: Record<'old' | 'recent' | 'open', string> = { old: '', recent: '', open: '' };
    await prepareDatabase(env);
    const app = await createAppContext(loadConfig(env));
    try {
      const { database } = app;
      for (const key of ['old', 'recent', 'open'] as const) {
        const res = await jsonPost(
          testApi(database, { now: submittedAt }),
          '/api/feedback',
          generalItem({ contactPhone: '13700008888' }),
        );
        const body: unknown = await res.json();
        expect(res.status, JSON.stringify(body)).toBe(201);
        const code = FeedbackReceipt.parse(body).trackingCode;
        ids[key] = (await findByTrackingCode(database, normaliseCode(code, TRACKING_CODE_LENGTH)!))!.record.id;
      }
      // Closed 397 days ago (past a 180-day retention) and 10 days ago (not yet).
      const closeAt = async (id: string, at: Date) => {
        const channel = testChannel(database, { now: () => at });
        for (const command of [{ action: 'accept' }, { action: 'reply', body: '已经处理完毕' }, { action: 'close' }])
          expect((await runStaffCommand(channel, id, command, 'staff')).ok).toBe(true);
      };
      await closeAt(ids.old, addDays(submittedAt, 3));
      await closeAt(ids.recent, addDays(new Date(), -10));
    } finally {
      await app.close();
    }
    const server = await startTestServer({ dbDir: dir, env: { CONTACT_RETENTION_DAYS: '180' } });
    try {
      await waitFor(() => server.output.some((line) => line.includes('contacts purged')), 'the purge log line', {
        timeoutMs: 20_000,
      });
      expect(server.output.join('')).toMatch(/"msg":"contacts purged","count":\d+/);
      const check = await createAppContext(loadConfig(env));
      try {
        expect(await findSealedContact(check.database, ids.old)).toBeUndefined();
        expect(await findSealedContact(check.database, ids.recent)).toMatch(/^v1\./);
        expect(await findSealedContact(check.database, ids.open)).toMatch(/^v1\./);
        // No expired contact is left (the demo seed's own items included), and the purge was audited.
        const left = await check.database.client.execute({
          sql: "SELECT count(*) AS n FROM feedback_contacts c JOIN feedback_items i ON i.id = c.feedback_id WHERE i.state = 'closed' AND i.closed_at < ?",
          args: [addDays(new Date(), -180).getTime()],
        });
        expect(left.rows[0]!.n).toBe(0);
        const audit = await check.database.client.execute(
          "SELECT subject_id, actor FROM audit_events WHERE action = 'contactPurged'",
        );
        expect(audit.rows.map((r) => [String(r.subject_id), String(r.actor)])).toContainEqual([ids.old, 'system']);
        expect(audit.rows.map((r) => String(r.subject_id))).not.toContain(ids.recent);
      } finally {
        await check.close();
      }
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
