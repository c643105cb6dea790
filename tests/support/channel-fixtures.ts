import { z } from 'zod';
import type { Hono } from 'hono';

/** Helpers shared by the feedback-channel integration tests. */
export const ErrorBody = z.strictObject({
  error: z.strictObject({
    code: z.string().regex(/^[a-z][a-z0-9_]*$/),
    fields: z.record(z.string(), z.array(z.string())).optional(),
    requestId: z.string().optional(),
  }),
});

export const generalItem = (over: Record<string, unknown> = {}) => ({
  kind: 'complaint',
  unitId: 'hetang-village',
  body: '村务公开栏三个月没有更新了',
  publicConsent: true,
  ...over,
});

export const mealItem = (over: Record<string, unknown> = {}) => ({
  kind: 'accompaniedMeal',
  unitId: 'xixi-central-primary',
  meal: {
    date: '2026-02-27',
    meal: 'lunch',
    dishes: '红烧肉、清炒白菜、米饭',
    taste: 'good',
    quantity: 'fair',
    hygiene: 'good',
    price: 'fair',
  },
  suggestion: '青菜偏咸',
  publicConsent: true,
  ...over,
});

type Requester = Pick<Hono, 'request'>;

export function jsonPost(api: Requester, path: string, body: unknown, headers: Record<string, string> = {}) {
  return api.request(path, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A body of a failed response, checked against the one error shape. */
export async function errorOf(res: Response) {
  return ErrorBody.parse(await res.json()).error;
}
