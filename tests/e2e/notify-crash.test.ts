import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createClient } from '@libsql/client';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signIn } from '../support/staff.ts';
import { startSmsProvider } from '../support/sms-provider.ts';
import { waitFor } from '../support/wait.ts';

/**
 * Acceptance 4 of issue 17: a reply to a consenting submitter produces exactly one delivery, also when the
 * server is killed with SIGKILL (kill -9) between the commit and the delivery, and between the delivery
 * and marking it delivered. The real production server (node src/server.ts) writes the reply and
 * delivers through the HTTP SMS channel to a loopback provider double in this process, which counts
 * what would reach a phone (one per idempotency key) and every request.
 */
const PHONE = '13955556666';
let sms: Awaited<ReturnType<typeof startSmsProvider>>;

beforeAll(async () => {
  sms = await startSmsProvider({ token: 'e2e-provider-token' });
});
afterAll(async () => {
  await sms.close();
});

const notifyEnv = (over: Record<string, string>) => ({
  NOTIFY_SMS: 'http',
  NOTIFY_SMS_URL: sms.url,
  NOTIFY_SMS_TOKEN: 'e2e-provider-token',
  NOTIFY_POLL_MS: '200',
  NOTIFY_LEASE_MS: '1500',
  NOTIFY_RETRY_BASE_MS: '200',
  ...over,
});

/** File a complaint with a phone and the consent ticked, then accept and reply as the unit's responder. */
async function fileAndReply(server: TestServer): Promise<string> {
  const res = await fetch(`${server.url}/api/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      kind: 'complaint',
      unitId: 'hetang-village',
      body: '村里的路灯坏了两个月，一直没有人修',
      contactPhone: PHONE,
      notifyConsent: true,
      publicConsent: false,
    }),
  });
  expect(res.status).toBe(201);
  const db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  let id: string;
  try {
    const rs = await db.execute({
      sql: 'SELECT i.id FROM feedback_items i JOIN feedback_contacts c ON c.feedback_id = i.id WHERE c.notify = 1',
      args: [],
    });
    expect(rs.rows).toHaveLength(1);
    id = String(rs.rows[0]!.id);
  } finally {
    db.close();
  }
  const session = await signIn(server.url, 'demo.hetang');
  const post = (fields: Record<string, string>) =>
    fetch(`${server.url}/staff/inbox/${id}/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, cookie: session.cookie },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    });
  expect((await post({ action: 'accept' })).status).toBe(303);
  expect((await post({ action: 'reply', body: '路灯已经修好，感谢您的监督。', confirm: 'yes' })).status).toBe(303);
  return id;
}

async function outboxOf(dbFile: string) {
  const db = createClient({ url: `file:${dbFile}` });
  try {
    return (
      await db.execute('SELECT id, event, attempts, delivered_at, failed_at FROM outbox ORDER BY created_at')
    ).rows.map((r) => ({ ...r }));
  } finally {
    db.close();
  }
}

describe('reply notification across kill -9', () => {
  test('killed after the commit, before any delivery: one text after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-notify-'));
    sms.requests.length = 0;
    sms.texts.clear();
    try {
      // The dispatcher of the first process never runs: the reply is committed, nothing is sent.
      const first = await startTestServer({ dbDir: dir, env: notifyEnv({ NOTIFY_START_DELAY_MS: '3600000' }) });
      try {
        await fileAndReply(first);
        const rows = await outboxOf(first.dbFile);
        expect(rows).toMatchObject([{ event: 'replyPublished', attempts: 0, delivered_at: null }]);
      } finally {
        await first.stop('SIGKILL');
      }
      expect(first.process.signalCode).toBe('SIGKILL');
      expect(sms.requests).toEqual([]);

      const second = await startTestServer({ dbDir: dir, env: notifyEnv({ NOTIFY_START_DELAY_MS: '0' }) });
      try {
        await waitFor(async () => (await outboxOf(second.dbFile))[0]?.delivered_at != null, 'the delivery', {
          timeoutMs: 20_000,
          intervalMs: 100,
        });
        // Several more poll rounds: nothing else goes out.
        await new Promise((r) => setTimeout(r, 1_500));
        expect(sms.requests).toHaveLength(1);
        expect(sms.texts.size).toBe(1);
        expect([...sms.texts.values()][0]!.to).toBe(PHONE);
        expect(await outboxOf(second.dbFile)).toMatchObject([
          { event: 'replyPublished', attempts: 1, failed_at: null },
        ]);
      } finally {
        await second.stop('SIGKILL');
        second.cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('killed after the provider took the text, before it was marked: resent with the same key, delivered once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qinglian-notify-'));
    sms.requests.length = 0;
    sms.texts.clear();
    try {
      const first = await startTestServer({ dbDir: dir, env: notifyEnv({ NOTIFY_START_DELAY_MS: '0' }) });
      // The provider accepts the text, then the portal dies before it hears back.
      sms.setOnAccept(async () => {
        await first.stop('SIGKILL');
        return 'drop' as const;
      });
      try {
        await fileAndReply(first);
        await waitFor(() => first.process.signalCode === 'SIGKILL', 'the kill', { timeoutMs: 20_000 });
      } finally {
        sms.setOnAccept(null);
        await first.stop('SIGKILL');
      }
      expect(sms.texts.size).toBe(1);
      expect(sms.requests).toHaveLength(1);
      expect(await outboxOf(first.dbFile)).toMatchObject([{ attempts: 1, delivered_at: null, failed_at: null }]);

      const second = await startTestServer({ dbDir: dir, env: notifyEnv({ NOTIFY_START_DELAY_MS: '0' }) });
      try {
        // After the lease the row is tried again, with the same idempotency key.
        await waitFor(async () => (await outboxOf(second.dbFile))[0]?.delivered_at != null, 'the redelivery', {
          timeoutMs: 20_000,
          intervalMs: 100,
        });
        await new Promise((r) => setTimeout(r, 1_500));
        const rows = await outboxOf(second.dbFile);
        expect(rows).toMatchObject([{ attempts: 2, failed_at: null }]);
        expect(sms.requests).toHaveLength(2);
        expect(sms.requests.map((r) => r.idempotencyKey)).toEqual([rows[0]!.id, rows[0]!.id]);
        // What reaches the phone: one text.
        expect(sms.texts.size).toBe(1);
      } finally {
        await second.stop('SIGKILL');
        second.cleanup();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
