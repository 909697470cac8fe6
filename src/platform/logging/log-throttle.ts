/** The usual gap between two warnings about the same outage. */
const DEFAULT_INTERVAL_MS = 10_000;

/**
 * At most one log line per interval about one recurring failure: an outage that fails every
 * request must say so, not bury the log in one line per request (its metrics count every one).
 *
 *   if (this.outageLog.due()) this.logger.warn({ err }, 'Cache unavailable; serving from the database');
 */
export class LogThrottle {
  private lastAt = 0;

  constructor(private readonly intervalMs = DEFAULT_INTERVAL_MS) {}

  /** Whether a line may be written now; if so, the next one waits a whole interval. */
  due(): boolean {
    const now = Date.now();
    if (now - this.lastAt < this.intervalMs) return false;
    this.lastAt = now;
    return true;
  }

  /** Whether a line was written since the last reset (an outage is being reported). */
  get reporting(): boolean {
    return this.lastAt > 0;
  }

  /** The failure is over: the next one is reported at once. */
  reset(): void {
    this.lastAt = 0;
  }
}
