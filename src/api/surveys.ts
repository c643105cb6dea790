import { Hono } from 'hono';
import { submitSurveyResponse, surveyResults, surveyViews } from '../services/surveys.ts';
import { startPhoneVerification } from '../services/otp.ts';
import type { AppEnv } from './app.ts';
import { clientOf, failureResponse } from './channel.ts';
import { errorResponse } from './errors.ts';

/** /api/surveys: list, results (n, rates, Wilson intervals, ranks), responses, phone one-time codes. */
export const surveysApi = new Hono<AppEnv>()
  .get('/', async (c) => {
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ items: await surveyViews(c.get('deps').channel) });
  })
  .get('/:id/results', async (c) => {
    const results = await surveyResults(c.get('deps').channel, c.req.param('id'));
    if (!results) return errorResponse(c, 404, 'not_found');
    c.header('Cache-Control', 'public, max-age=60');
    return c.json(results);
  })
  .post('/:id/responses', async (c) => {
    const r = await submitSurveyResponse(c.get('deps').channel, c.req.param('id'), c.get('jsonBody'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    return c.json({ surveyId: r.surveyId, unitId: r.unitId, counted: r.counted }, 201);
  })
  .post('/:id/otp', async (c) => {
    const r = await startPhoneVerification(c.get('deps').channel, c.req.param('id'), c.get('jsonBody'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    return c.json({ challengeId: r.challengeId, expiresAt: r.expiresAt }, 202);
  });
