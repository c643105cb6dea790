import { Hono } from 'hono';
import { createAltchaChallenge } from '../services/altcha.ts';
import type { AppEnv } from './app.ts';

/** GET /api/altcha/challenge: a fresh signed proof-of-work challenge (never cached). */
export const altchaApi = new Hono<AppEnv>().get('/challenge', async (c) => {
  c.header('Cache-Control', 'no-store');
  return c.json(await createAltchaChallenge(c.get('deps').channel));
});
