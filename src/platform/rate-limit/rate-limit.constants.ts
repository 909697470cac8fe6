/**
 * The named limits. `default` and `burst` apply to every route (per client); `auth` applies only
 * where a route opts in with @AuthRateLimit(); `account` only where a route names the account a
 * request targets with @AccountRateLimit(getTracker) (e.g. per email on login), whatever its IP.
 */
export const THROTTLER_NAMES = ['default', 'burst', 'auth', 'account'] as const;

/** Metadata set by @AuthRateLimit(). */
export const AUTH_RATE_LIMIT = 'rateLimit:auth';
