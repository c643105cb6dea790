/**
 * Resolve once `condition` holds, checking every `intervalMs`; reject with `what` after `timeoutMs`.
 * For conditions that have no event to wait on (a log line in a child's output, a closed port).
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 10));
  }
}
