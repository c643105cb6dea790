import type { Database } from '../src/db/client.ts';
import { countAccounts } from '../src/db/staff-repo.ts';
import type { Secrets } from '../src/lib/secrets.ts';
import { createServices } from '../src/app-context.ts';
import { createAccount } from '../src/staff/accounts.ts';

/**
 * 演示 staff accounts, only in demo mode and only while there is no account at all. Fictional people;
 * their passwords and TOTP secrets are published in README.md so a reviewer can sign in. A real
 * deployment (DEMO=false) never creates them: its first admin comes from `npm run staff:add`.
 */
export const demoStaff = [
  {
    username: 'demo.admin',
    displayName: '演示管理员',
    role: 'admin',
    password: 'demo-admin-password',
    totpSecret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXA',
    unitIds: [],
  },
  {
    username: 'demo.moderator',
    displayName: '演示审核员',
    role: 'moderator',
    password: 'demo-moderator-password',
    totpSecret: 'KRUGS4ZANFZSAYJAORSXG5BAONSWG4TB',
    unitIds: [],
  },
  {
    username: 'demo.xixi',
    displayName: '演示答复人（西溪镇中心小学）',
    role: 'responder',
    password: 'demo-responder-password',
    totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U',
    unitIds: ['xixi-central-primary'],
  },
  {
    username: 'demo.hetang',
    displayName: '演示答复人（荷塘村）',
    role: 'responder',
    password: 'demo-responder-password',
    totpSecret: 'ONSWG4TFOQQGC3TEEBZWKY3SMV2CAMJS',
    unitIds: ['hetang-village'],
  },
  {
    username: 'demo.publisher',
    displayName: '演示公示员（西溪镇中心小学、荷塘村）',
    role: 'publisher',
    password: 'demo-publisher-password',
    totpSecret: 'OBUWE3DJONUGK4TQOVRGY2LTNBSXEMJS',
    unitIds: ['xixi-central-primary', 'hetang-village'],
  },
  {
    // The demo publisher's units' head: approves or returns their submissions (issue 12); for 荷塘村's 村务
    // kinds the approval records the 村务监督委员会 review (DOMAIN.md §2.3).
    username: 'demo.approver',
    displayName: '演示审批人（西溪镇中心小学、荷塘村）',
    role: 'approver',
    password: 'demo-approver-password',
    totpSecret: 'MFYHA4TPOZSXELLEMVWW6LLTMVRXEZLU',
    unitIds: ['xixi-central-primary', 'hetang-village'],
  },
  {
    username: 'demo.evaluator',
    displayName: '演示考评员',
    role: 'evaluator',
    password: 'demo-evaluator-password',
    totpSecret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
    unitIds: [],
  },
  {
    username: 'demo.evaluator2',
    displayName: '演示考评员二',
    role: 'evaluator',
    password: 'demo-evaluator2-password',
    totpSecret: 'HAZTIMZVGY3DOOBZHAZTIMZVGY3DOOBZ',
    unitIds: [],
  },
  {
    username: 'demo.lead',
    displayName: '演示考评组组长',
    role: 'lead',
    password: 'demo-lead-password',
    totpSecret: 'NBSWY3DPNBSWY3DPNBSWY3DPNBSWY3DP',
    unitIds: [],
  },
] as const;

export async function seedDemoStaff(database: Database, secrets: Secrets, now: Date): Promise<number> {
  if ((await countAccounts(database)) > 0) return 0;
  const ctx = createServices(database, { secrets, now: () => now }).staff;
  for (const a of demoStaff) {
    const { totpSecret, ...input } = a;
    const r = await createAccount(ctx, { ...input, unitIds: [...input.unitIds] }, 'system', { totpSecret, demo: true });
    if (!r.ok) throw new Error(`demo staff account ${a.username} not created: ${r.code}`);
  }
  return demoStaff.length;
}
