import { beforeAll, describe, expect, test } from 'vitest';
import { createClient, type Client } from '@libsql/client';
import { startTestServer, type TestServer } from '../support/server.ts';
import { signIn, type DemoUsername } from '../support/staff.ts';
import {
  staffRoles,
  staffRoutes,
  staffRouteKeys,
  canAccess,
  type RouteParam,
  type StaffRole,
  type StaffRoute,
} from '../../src/domain/staff/roles.ts';
import { readChain, verifyChain } from '../../src/db/audit-chain.ts';
import { t } from '../../src/i18n/t.ts';
import { sampleCanteenAccount } from '../support/disclosure-samples.ts';

/**
 * Issue 5 acceptance 1–3 against the real server: the role × route matrix (every route in
 * src/domain/staff/roles.ts, every role, and no session), cross-unit access, CSRF (cross-origin form,
 * text/plain, JSON), and the identity scan of every responder page and response.
 */
const ROLE_ACCOUNT: Record<StaffRole, DemoUsername> = {
  admin: 'demo.admin',
  moderator: 'demo.moderator',
  responder: 'demo.xixi',
  evaluator: 'demo.evaluator',
  lead: 'demo.lead',
  publisher: 'demo.publisher',
  approver: 'demo.approver',
};

// The reporter of the identity scan: a phone, a name, a client address and a device that must never
// reach the responder (信访工作条例 第四十六条).
const PHONE = '13987654321';
const NAME = '\u738b\u5c0f\u660e';
const IP = '203.0.113.77';
const DEVICE = 'ReporterPhone/9.1 (marker-device-58213)';

let server: TestServer;
let db: Client;
const sessions = {} as Record<StaffRole, { cookie: string; csrf: string }>;
let hetang: { cookie: string; csrf: string };
let xixiItem: string;
let hetangItem: string;
let moderatorId: string;
let submissionId: string;

async function itemOf(unitId: string, kind = 'suggestion'): Promise<string> {
  const rs = await db.execute({
    sql: "SELECT id FROM feedback_items WHERE unit_id = ? AND kind = ? AND routed_to = 'unit' ORDER BY received_at DESC LIMIT 1",
    args: [unitId, kind],
  });
  return String(rs.rows[0]!.id);
}

// Each hook returns its own teardown, so that a failed start stops only what did start.
beforeAll(async () => {
  server = await startTestServer({ env: { TRUST_PROXY: 'true', FEEDBACK_LIMIT_NO_POW_PER_IP: '100' } });
  return async () => {
    await server.stop();
    server.cleanup();
  };
});
beforeAll(() => {
  db = createClient({ url: `file:${server.dbFile}`, timeout: 5000 });
  return () => db.close();
});
beforeAll(async () => {
  for (const role of staffRoles) sessions[role] = await signIn(server.url, ROLE_ACCOUNT[role]);
  hetang = await signIn(server.url, 'demo.hetang');
  xixiItem = await itemOf('xixi-central-primary');
  hetangItem = await itemOf('hetang-village');
  // The server writes too: wait for its lock rather than fail.
  await db.execute('PRAGMA busy_timeout = 10000');
  await db.execute({
    sql: `INSERT INTO site_builds (id, reason, requested_at, state, build_id, started_at, finished_at, error)
          VALUES (?, 'manual', ?, 'failed', ?, ?, ?, 'matrix fixture')`,
    args: [BUILD_ID, Date.now(), BUILD_ID, Date.now(), Date.now()],
  });
  moderatorId = String(
    (await db.execute("SELECT id FROM staff_accounts WHERE username = 'demo.moderator'")).rows[0]!.id,
  );
  // One pending submission of the demo publisher's school, for the approval page (issue 12).
  const publisher = String(
    (await db.execute("SELECT id FROM staff_accounts WHERE username = 'demo.publisher'")).rows[0]!.id,
  );
  submissionId = crypto.randomUUID();
  await db.execute({
    sql: `INSERT INTO disclosure_submissions (id, kind, unit_id, disclosure_id, change, data, source_file_name,
            submitted_by, submitted_at, state) VALUES (?, 'canteenAccount', 'xixi-central-primary', ?, 'publish', ?, 'm.xlsx', ?, ?, 'submitted')`,
    args: [
      submissionId,
      'matrix-canteen-2026-03',
      JSON.stringify({ ...sampleCanteenAccount('2026-03'), unit: 'xixi-central-primary' }),
      `staff:${publisher}`,
      Date.now(),
    ],
  });
});

const BUILD_ID = '00000000-0000-4000-8000-00000000b111';
const get = (path: string, cookie?: string) =>
  fetch(`${server.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const post = (
  path: string,
  s: { cookie: string; csrf: string } | null,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: server.url,
      ...(s ? { cookie: s.cookie } : {}),
      ...headers,
    },
    body: new URLSearchParams({ ...(s ? { _csrf: s.csrf } : {}), ...fields }).toString(),
  });
/** A route's path with its `[params]` filled from the kinds the matrix declares (routes added later included). */
function pathOf(key: (typeof staffRouteKeys)[number]): string {
  const route: StaffRoute = staffRoutes[key];
  const value: Record<RouteParam, () => string> = {
    feedback: () => xixiItem,
    unit: () => 'xixi-central-primary',
    year: () => String(new Date().getUTCFullYear()),
    account: () => moderatorId,
    // The demo seed makes one survey per carrier (db/seed-channel.ts).
    survey: () => 'school-demo',
    template: () => 'canteen-accounts.xlsx',
    // A finished request inserted below (a queued one would start a real build).
    build: () => BUILD_ID,
    submission: () => submissionId,
  };
  return route.path.replace(/\[(\w+)\]/g, (_, name: string) => {
    const kind = route.params?.[name];
    if (!kind) throw new Error(`${key}: parameter [${name}] has no kind in staffRoutes`);
    return value[kind]();
  });
}

describe('role × route matrix (acceptance 1)', () => {
  test.each(staffRouteKeys)(
    '%s: every role gets exactly what the matrix says; no session goes to the login page',
    async (key) => {
      const path = pathOf(key);
      const none = await get(path);
      expect(none.status).toBe(303);
      expect(none.headers.get('location')).toBe(`/staff/login/?next=${encodeURIComponent(path)}`);
      for (const role of staffRoles) {
        const res = await get(path, sessions[role].cookie);
        expect({ role, status: res.status }).toEqual({ role, status: canAccess(role, key) ? 200 : 403 });
        expect(res.headers.get('cache-control')).toBe('no-store');
        await res.arrayBuffer();
      }
    },
  );

  test.each(staffRouteKeys.filter((k) => 'post' in staffRoutes[k]))(
    '%s (POST): roles outside the matrix are refused before anything runs',
    async (key) => {
      for (const role of staffRoles) {
        const res = await post(pathOf(key), sessions[role], { action: 'no-such-action' });
        if (canAccess(role, key)) expect(res.status, role).not.toBe(403);
        else expect(res.status, role).toBe(403);
        expect(res.status).toBeLessThan(500);
      }
      const none = await post(pathOf(key), null, { action: 'no-such-action' });
      expect(none.status).toBe(303);
    },
  );

  test('cross-unit: a responder gets 404 for another unit’s item (GET and POST) and it stays unchanged', async () => {
    const before = await db.execute({ sql: 'SELECT version FROM feedback_items WHERE id = ?', args: [hetangItem] });
    expect((await get(`/staff/inbox/${hetangItem}/`, sessions.responder.cookie)).status).toBe(404);
    expect((await post(`/staff/inbox/${hetangItem}/`, sessions.responder, { action: 'accept' })).status).toBe(404);
    expect(
      (await post(`/staff/inbox/${hetangItem}/`, sessions.responder, { action: 'note', body: 'should not be stored' }))
        .status,
    ).toBe(404);
    const after = await db.execute({ sql: 'SELECT version FROM feedback_items WHERE id = ?', args: [hetangItem] });
    expect(after.rows[0]!.version).toBe(before.rows[0]!.version);
    // Its own responder may.
    expect((await get(`/staff/inbox/${hetangItem}/`, hetang.cookie)).status).toBe(200);
    expect((await get(`/staff/inbox/${xixiItem}/`, hetang.cookie)).status).toBe(404);
    // Unknown ids look the same as foreign ones.
    expect((await get('/staff/inbox/00000000-0000-4000-8000-000000000000/', sessions.responder.cookie)).status).toBe(
      404,
    );
  });

  test('an item routed to the commission disappears from its unit’s responder (404) and inbox', async () => {
    const id = await itemOf('xixi-central-primary', 'question');
    expect((await get(`/staff/inbox/${id}/`, sessions.responder.cookie)).status).toBe(200);
    const routed = await post(`/staff/moderation/${id}/`, sessions.moderator, {
      action: 'route',
      reason: '内容为对工作人员的检举控告（测试）',
    });
    expect(routed.status).toBe(303);
    expect((await get(`/staff/inbox/${id}/`, sessions.responder.cookie)).status).toBe(404);
    expect(await (await get('/staff/inbox/', sessions.responder.cookie)).text()).not.toContain(id);
    expect(await (await get('/staff/inbox/', sessions.admin.cookie)).text()).toContain(id);
  });
});

describe('CSRF and methods (acceptance 3)', () => {
  const target = () => `/staff/inbox/${xixiItem}/`;
  async function unchanged<T>(fn: () => Promise<T>): Promise<T> {
    const count = async () => Number((await db.execute('SELECT count(*) AS n FROM audit_events')).rows[0]!.n);
    const version = async () =>
      Number(
        (await db.execute({ sql: 'SELECT version FROM feedback_items WHERE id = ?', args: [xixiItem] })).rows[0]!
          .version,
      );
    const [a, v] = [await count(), await version()];
    const out = await fn();
    expect([await count(), await version()]).toEqual([a, v]);
    return out;
  }

  test('a cross-origin form post is refused (Origin of another site, Sec-Fetch-Site cross-site, no Origin)', async () => {
    await unchanged(async () => {
      expect(
        (await post(target(), sessions.responder, { action: 'accept' }, { origin: 'http://evil.example' })).status,
      ).toBe(403);
      expect(
        (await post(target(), sessions.responder, { action: 'accept' }, { 'sec-fetch-site': 'cross-site' })).status,
      ).toBe(403);
      expect(
        (await post(target(), sessions.responder, { action: 'accept' }, { 'sec-fetch-site': 'same-site' })).status,
      ).toBe(403);
      const noOrigin = await fetch(`${server.url}${target()}`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: sessions.responder.cookie },
        body: new URLSearchParams({ _csrf: sessions.responder.csrf, action: 'accept' }).toString(),
      });
      expect(noOrigin.status).toBe(403);
    });
  });

  test('text/plain and JSON bodies are refused even with a valid token and origin', async () => {
    await unchanged(async () => {
      const body = `_csrf=${sessions.responder.csrf}&action=accept`;
      for (const type of ['text/plain', 'application/json', 'multipart/form-data; boundary=x']) {
        const res = await fetch(`${server.url}${target()}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': type, origin: server.url, cookie: sessions.responder.cookie },
          body:
            type === 'application/json' ? JSON.stringify({ _csrf: sessions.responder.csrf, action: 'accept' }) : body,
        });
        expect([type, res.status]).toEqual([type, 415]);
      }
    });
  });

  test('a missing or wrong synchronizer token is refused; another session’s token too', async () => {
    await unchanged(async () => {
      expect((await post(target(), { cookie: sessions.responder.cookie, csrf: '' }, { action: 'accept' })).status).toBe(
        403,
      );
      expect(
        (await post(target(), { cookie: sessions.responder.cookie, csrf: 'x'.repeat(43) }, { action: 'accept' }))
          .status,
      ).toBe(403);
      expect(
        (await post(target(), { cookie: sessions.responder.cookie, csrf: sessions.admin.csrf }, { action: 'accept' }))
          .status,
      ).toBe(403);
    });
  });

  test('no state change on GET: action parameters in the URL do nothing, and logout needs a POST', async () => {
    await unchanged(async () => {
      expect(
        (await get(`${target()}?action=accept&_csrf=${sessions.responder.csrf}`, sessions.responder.cookie)).status,
      ).toBe(200);
    });
    const logoutGet = await get('/staff/logout/', sessions.evaluator.cookie);
    expect(logoutGet.status).not.toBe(303);
    expect((await get('/staff/evaluation/', sessions.evaluator.cookie)).status).toBe(200);
  });

  test('the login form refuses cross-origin posts too', async () => {
    const res = await fetch(`${server.url}/staff/login/`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: 'username=demo.admin&password=x&code=000000',
    });
    expect(res.status).toBe(403);
  });
});

describe('the extension is offered only while allowed (信访工作条例 art. 34; Civil Code art. 203)', () => {
  test('信访工作条例 art. 34 + Civil Code art. 203: the extension form shows before the due day; after it the page says why not, a forged post gets 409 and the item stays overdue', async () => {
    const submitted = await fetch(`${server.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.91' },
      body: JSON.stringify({
        kind: 'suggestion',
        unitId: 'xixi-central-primary',
        body: '建议食堂每周公布一次菜谱和采购价格。',
        publicConsent: false,
      }),
    });
    expect(submitted.status).toBe(201);
    const { trackingCode } = (await submitted.json()) as { trackingCode: string };
    const id = String(
      (
        await db.execute({
          sql: 'SELECT id FROM feedback_items WHERE tracking_code = ?',
          args: [trackingCode.replace(/-/g, '')],
        })
      ).rows[0]!.id,
    );
    const item = `/staff/inbox/${id}/`;
    const s = sessions.responder;
    expect((await post(item, s, { action: 'accept' })).status).toBe(303);
    const open = await (await get(item, s.cookie)).text();
    expect(open).toContain('id="extend"');
    expect(open).not.toContain(t('staff.action.extendClosed'));

    // Accepted 100 days ago: the 60-day handling period has ended. The server may be sealing the audit
    // chain right after the accept, so wait for its write lock instead of failing on SQLITE_BUSY.
    await db.execute('PRAGMA busy_timeout = 5000');
    await db.execute({
      sql: 'UPDATE feedback_items SET accepted_at = ?, received_at = ? WHERE id = ?',
      args: [Date.now() - 100 * 86_400_000, Date.now() - 101 * 86_400_000, id],
    });
    const closed = await (await get(item, s.cookie)).text();
    expect(closed).not.toContain('id="extend"');
    expect(closed).toContain(t('staff.action.extendClosed'));
    expect(closed).toMatch(/已超期 \d+ 天/);

    const late = await post(item, s, { action: 'extend', days: '10', reason: '需要现场核查多个村民小组' });
    expect(late.status).toBe(409);
    expect(await late.text()).toContain(t('feedback.refusal.extensionDeadlinePassed'));
    const row = (await db.execute({ sql: 'SELECT state, extension_days FROM feedback_items WHERE id = ?', args: [id] }))
      .rows[0]!;
    expect([row.state, row.extension_days]).toEqual(['accepted', null]);
  });
});

describe('call-back: only the commission reveals a phone, audited (issue 17 acceptance 5)', () => {
  test('moderator and admin reveal it for a reason, each reveal audited and counted; a responder gets 403 and never sees it', async () => {
    const phone = '13712340000';
    const submitted = await fetch(`${server.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.78' },
      body: JSON.stringify({
        kind: 'complaint',
        unitId: 'xixi-central-primary',
        body: '食堂的菜价比公示的高（回访测试）。',
        contactPhone: phone,
        publicConsent: false,
      }),
    });
    expect(submitted.status).toBe(201);
    const receipt = (await submitted.json()) as { trackingCode: string };
    const id = String(
      (
        await db.execute({
          sql: 'SELECT id FROM feedback_items WHERE tracking_code = ?',
          args: [receipt.trackingCode.replace(/-/g, '')],
        })
      ).rows[0]!.id,
    );
    const path = `/staff/contact/${id}/`;
    const reveals = async () =>
      Number(
        (
          await db.execute({
            sql: "SELECT count(*) AS n FROM audit_events WHERE action = 'contactRevealed' AND subject_id = ?",
            args: [id],
          })
        ).rows[0]!.n,
      );

    // The reported unit's responder: 403 on the route (GET and POST), no link, no phone on its item page.
    expect((await get(path, sessions.responder.cookie)).status).toBe(403);
    expect((await post(path, sessions.responder, { reason: '想联系反映人' })).status).toBe(403);
    const inbox = await (await get(`/staff/inbox/${id}/`, sessions.responder.cookie)).text();
    expect(inbox).not.toContain(phone);
    expect(inbox).not.toContain('data-reveal-link');
    expect((await post(path, sessions.evaluator, { reason: '回访' })).status).toBe(403);

    // The moderator: the item page links to the call-back; GET shows the form and no phone; no reason, no phone.
    expect(await (await get(`/staff/moderation/${id}/`, sessions.moderator.cookie)).text()).toContain(path);
    const form = await get(path, sessions.moderator.cookie);
    expect(form.status).toBe(200);
    expect(await form.text()).not.toContain(phone);
    const refused = await post(path, sessions.moderator, { reason: '' });
    expect(refused.status).toBe(422);
    const refusedText = await refused.text();
    expect(refusedText).toContain(t('staff.reveal.reasonRequired'));
    expect(refusedText).not.toContain(phone);
    expect(await reveals()).toBe(0);

    const shown = await post(path, sessions.moderator, { reason: '电话回访办理结果满意度' });
    expect(shown.status).toBe(200);
    expect(shown.headers.get('cache-control')).toBe('no-store');
    expect(await shown.text()).toContain(phone);
    const byAdmin = await post(path, sessions.admin, { reason: '核实反映情况' });
    expect(byAdmin.status).toBe(200);
    expect(await byAdmin.text()).toContain(phone);

    // Audited: who, which item, the reason; the phone nowhere in the log.
    const rows = (
      await db.execute({
        sql: "SELECT a.actor, s.username, a.detail FROM audit_events a JOIN staff_accounts s ON a.actor = 'staff:' || s.id WHERE a.action = 'contactRevealed' AND a.subject_type = 'feedback' AND a.subject_id = ? ORDER BY a.id",
        args: [id],
      })
    ).rows.map((r) => ({ username: String(r.username), detail: JSON.parse(String(r.detail)) as unknown }));
    expect(rows).toEqual([
      { username: 'demo.moderator', detail: { reason: '电话回访办理结果满意度' } },
      { username: 'demo.admin', detail: { reason: '核实反映情况' } },
    ]);
    expect(JSON.stringify((await db.execute('SELECT * FROM audit_events')).rows)).not.toContain(phone);

    // Counted on the audit page.
    const total = Number(
      (await db.execute("SELECT count(*) AS n FROM audit_events WHERE action = 'contactRevealed'")).rows[0]!.n,
    );
    expect(total).toBeGreaterThanOrEqual(2);
    const audit = await (await get('/staff/audit/', sessions.admin.cookie)).text();
    expect(audit).toContain(t('staff.audit.reveals', { count: total }));
  });
});

describe('responder never sees reporter identity (acceptance 2)', () => {
  test('every responder page and response, before and after handling the item: 0 identity fields found', async () => {
    // The reporter: phone as contact and in the text, name in the text, address and device in the request.
    const submitted = await fetch(`${server.url}/api/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': IP, 'user-agent': DEVICE },
      body: JSON.stringify({
        kind: 'complaint',
        unitId: 'xixi-central-primary',
        body: `我是${NAME}，电话${PHONE}，反映食堂饭菜分量不足。`,
        contactPhone: PHONE,
        publicConsent: true,
      }),
    });
    expect(submitted.status).toBe(201);
    const receipt = (await submitted.json()) as { trackingCode: string; secret: string };
    const [row] = (
      await db.execute({
        sql: 'SELECT id, secret_hash, idempotency_key, payload_hash FROM feedback_items WHERE tracking_code = ?',
        args: [receipt.trackingCode.replace(/-/g, '')],
      })
    ).rows;
    const id = String(row!.id);

    // Before moderation the responder already sees the text with every number masked (a name typed into
    // the text is visible until a moderator removes it: names cannot be found reliably by a pattern).
    const early = await (await get(`/staff/inbox/${id}/`, sessions.responder.cookie)).text();
    expect(early).toContain('反映食堂饭菜分量不足');
    expect(early).not.toContain(PHONE);
    expect(early).toContain('*'.repeat(11));

    // The moderator removes the name (numbers are masked for staff automatically); the original is kept.
    const redacted = await post(`/staff/moderation/${id}/`, sessions.moderator, {
      action: 'redact',
      field: 'body',
      text: '我是（姓名已删除），电话（已删除），反映食堂饭菜分量不足。',
    });
    expect(redacted.status).toBe(303);

    const sealed = (
      await db.execute({ sql: 'SELECT sealed FROM feedback_contacts WHERE feedback_id = ?', args: [id] })
    ).rows.map((r) => String(r.sealed));
    const rateKeys = (await db.execute('SELECT key FROM rate_limits')).rows.map((r) => String(r.key));
    expect(sealed).toHaveLength(1);
    const forbidden = [
      PHONE,
      PHONE.slice(0, 3) + '****',
      PHONE.slice(-4) + '\u3002',
      NAME,
      IP,
      'marker-device-58213',
      receipt.trackingCode,
      receipt.trackingCode.replace(/-/g, ''),
      receipt.secret,
      receipt.secret.replace(/-/g, ''),
      String(row!.secret_hash),
      String(row!.idempotency_key),
      String(row!.payload_hash),
      ...sealed,
      ...rateKeys,
    ];
    const pages: { what: string; text: string }[] = [];
    const keep = async (what: string, res: Response) =>
      pages.push({
        what: `${what} → ${res.status}`,
        text: `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`,
      });
    const s = sessions.responder;
    const item = `/staff/inbox/${id}/`;
    await keep('home', await get('/staff/', s.cookie));
    await keep('inbox', await get('/staff/inbox/', s.cookie));
    await keep('item', await get(item, s.cookie));
    const steps: Record<string, string>[] = [
      { action: 'reply', body: 'x' },
      { action: 'accept' },
      { action: 'note', body: '已联系食堂核实（内部备注）' },
      { action: 'extend', days: '99', reason: '太长' },
      { action: 'reply', body: '经核实，已要求食堂按标准足量供应，感谢监督。' },
      { action: 'reply', body: '经核实，已要求食堂按标准足量供应，感谢监督。', confirm: 'yes' },
      { action: 'close' },
      { action: 'bogus' },
    ];
    for (const fields of steps) {
      await keep(`post ${String(fields.action)}`, await post(item, s, fields));
      await keep(`after ${String(fields.action)}`, await get(item, s.cookie));
    }
    await keep('inbox again', await get('/staff/inbox/', s.cookie));
    await keep('evaluation (refused)', await get('/staff/evaluation/', s.cookie));
    await keep('moderation (refused)', await get(`/staff/moderation/${id}/`, s.cookie));

    expect(pages.length).toBeGreaterThan(15);
    expect(pages.filter((p) => p.what.startsWith('post ')).map((p) => p.what)).toEqual([
      'post reply → 422',
      'post accept → 303',
      'post note → 303',
      'post extend → 422',
      'post reply → 200',
      'post reply → 303',
      'post close → 303',
      'post bogus → 422',
    ]);
    const final = (await db.execute({ sql: 'SELECT state, reply_body FROM feedback_items WHERE id = ?', args: [id] }))
      .rows[0]!;
    expect([final.state, final.reply_body]).toEqual(['closed', '经核实，已要求食堂按标准足量供应，感谢监督。']);
    // The scan would see the item: the responder did get its text and their own reply.
    expect(pages.some((p) => p.text.includes('反映食堂饭菜分量不足'))).toBe(true);
    const found = pages.flatMap((p) => forbidden.filter((f) => f && p.text.includes(f)).map((f) => `${p.what}: ${f}`));
    expect(found).toEqual([]);
    // No contact-like keys or mobile numbers at all.
    expect(
      pages
        .filter(
          (p) =>
            /(?<!\d)1[3-9]\d{9}(?!\d)/.test(p.text) ||
            /contact|secret_?hash|idempotency/i.test(p.text.replace(/<link[^>]*>/g, '')),
        )
        .map((p) => p.what),
    ).toEqual([]);

    // The moderator's redaction kept the original where only the commission admin reads it.
    const original = (
      await db.execute({ sql: 'SELECT original FROM feedback_redactions WHERE feedback_id = ?', args: [id] })
    ).rows.map((r) => String(r.original));
    expect(original[0]).toContain(NAME);
    expect(await (await get(`/staff/inbox/${id}/`, sessions.admin.cookie)).text()).toContain(NAME);
  });

  test('the audit chain of everything this file did verifies', async () => {
    // Let the server's seal job run: it follows each write in the queue.
    await new Promise((r) => setTimeout(r, 200));
    const report = verifyChain(await readChain(db));
    expect(report.ok).toBe(true);
    expect(report.sealed).toBeGreaterThan(50);
    expect(report.pending).toBe(0);
    const actions = (await db.execute("SELECT DISTINCT action FROM audit_events WHERE actor LIKE 'staff:%'")).rows.map(
      (r) => String(r.action),
    );
    expect(actions).toEqual(expect.arrayContaining(['staff.login', 'route', 'redact', 'note']));
  });
});
