import { applyDecorators, SetMetadata } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';

import { AUTH_RATE_LIMIT, THROTTLER_NAMES } from './rate-limit.constants';

/** Applies the stricter credential-endpoint limit (RATE_LIMIT_AUTH_*, per address) on top of the others. */
export const AuthRateLimit = (): MethodDecorator & ClassDecorator => SetMetadata(AUTH_RATE_LIMIT, true);

/**
 * Exempts a route or controller from every limit of the guard (probes, scrapes); the per-address
 * middleware skips them by path (configureApp).
 */
export const NoRateLimit = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SkipThrottle(Object.fromEntries(THROTTLER_NAMES.map((name) => [name, true]))));
