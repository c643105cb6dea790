import { Hono } from 'hono';
import { z } from 'zod';
import { actAsSubmitter, submitFeedback, trackFeedback, unitFeedbackSummary } from '../services/feedback.ts';
import { findUnit } from '../db/units-repo.ts';
import { UnitId } from '../domain/feedback/schema.ts';
import type { AppEnv } from './app.ts';
import { clientOf, failureResponse } from './channel.ts';
import { errorResponse } from './errors.ts';
import { query } from './validate.ts';

export const UnitFeedbackQuery = z.strictObject({ unitId: UnitId });

/**
 * /api/feedback: submit (201, idempotent), track by code (texts masked), read the full text, rate or reopen
 * with the query secret, and a unit's published items (masked) with its on-time reply rate. Bodies arrive
 * parsed by app.ts.
 */
export const feedbackApi = new Hono<AppEnv>()
  .post('/', async (c) => {
    const r = await submitFeedback(c.get('deps').channel, c.get('jsonBody'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    if (r.replayed) c.header('Idempotent-Replayed', 'true');
    c.header('Location', r.receipt.trackingUrl);
    return c.json(r.receipt, 201);
  })
  .get('/', query(UnitFeedbackQuery), async (c) => {
    const { channel } = c.get('deps');
    const { unitId } = c.get('query');
    if (!(await findUnit(channel.database, unitId))) return errorResponse(c, 404, 'not_found');
    const summary = await unitFeedbackSummary(channel, unitId);
    c.header('Cache-Control', 'public, max-age=60');
    return c.json({ unitId, items: summary.published, onTimeReply: summary.onTime });
  })
  .get('/:code', async (c) => {
    const r = await trackFeedback(c.get('deps').channel, c.req.param('code'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    return c.json(r.view);
  })
  // The full (unmasked) text for the submitter: the secret travels in the body, never in the URL.
  .post('/:code/full', async (c) => {
    const r = await actAsSubmitter(c.get('deps').channel, c.req.param('code'), 'view', c.get('jsonBody'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    c.header('Cache-Control', 'no-store');
    return c.json(r.view);
  })
  .post('/:code/rating', async (c) => {
    const r = await actAsSubmitter(c.get('deps').channel, c.req.param('code'), 'rate', c.get('jsonBody'), clientOf(c));
    if (!r.ok) return failureResponse(c, r);
    return c.json(r.view);
  })
  .post('/:code/reopen', async (c) => {
    const r = await actAsSubmitter(
      c.get('deps').channel,
      c.req.param('code'),
      'reopen',
      c.get('jsonBody'),
      clientOf(c),
    );
    if (!r.ok) return failureResponse(c, r);
    return c.json(r.view);
  });
