import { failureStatus } from '../../src/api/channel.ts';
import type { Failure } from '../../src/services/outcome.ts';

/**
 * A use case's outcome with the HTTP status the JSON API answers a failure with (services return codes,
 * src/api maps them), so service-level tests can pin statuses as the API tests do.
 */
export function withStatus<T extends { ok: true } | Failure>(r: T): T & { status?: number } {
  return r.ok ? r : { ...r, status: failureStatus[r.code] };
}
