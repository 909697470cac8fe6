/**
 * The named limits of the guard. `default` and `burst` apply to every route, per signed-in user
 * (anonymous requests are counted per address before routing, with the `address` and `burst`
 * windows of AddressRateLimit); `auth` applies, per address, only where a route opts in with
 * @AuthRateLimit().
 */
export const THROTTLER_NAMES = ['default', 'burst', 'auth'] as const;

/** Metadata set by @AuthRateLimit(). */
export const AUTH_RATE_LIMIT = 'rateLimit:auth';
