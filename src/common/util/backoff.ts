/**
 * The delay before retry number `attempt` (1, 2, 3 …): base, 2×base, 4×base … plus up to 50%
 * jitter, so clients that failed together do not retry together. Transaction retries and event
 * redeliveries both use it.
 */
export function backoffWithJitterMs(baseMs: number, attempt: number): number {
  const delay = baseMs * 2 ** (attempt - 1);
  return delay + Math.random() * delay * 0.5;
}
