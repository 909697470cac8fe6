import { applyDecorators, SetMetadata } from '@nestjs/common';
import { SkipThrottle, Throttle, type ThrottlerGetTrackerFunction } from '@nestjs/throttler';

import { AUTH_RATE_LIMIT, THROTTLER_NAMES } from './rate-limit.constants';

/** Applies the stricter credential-endpoint limit (RATE_LIMIT_AUTH_*) on top of the default ones. */
export const AuthRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(AUTH_RATE_LIMIT, true);

/**
 * Applies the per-account limit (RATE_LIMIT_ACCOUNT_*): `tracker` names the account a request
 * targets (read from the raw request: guards run before validation), so guesses against one
 * account are capped however many addresses they come from.
 */
export const AccountRateLimit = (tracker: ThrottlerGetTrackerFunction): MethodDecorator & ClassDecorator =>
  Throttle({ account: { getTracker: tracker } });

/** Exempts a route or controller from every limit (probes, scrapes). */
export const NoRateLimit = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SkipThrottle(Object.fromEntries(THROTTLER_NAMES.map((name) => [name, true]))));
