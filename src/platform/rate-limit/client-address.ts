import { DEFAULT_IPV6_SUBNET_PREFIX, normalizeIp } from '@nestjs/throttler/dist/ip';
import type { Request } from 'express';

/**
 * The client address limits are keyed on: Express's `req.ip` (TRUST_PROXY decides which hop of
 * X-Forwarded-For that is, so without it the header is ignored), with IPv6 addresses grouped by
 * their /64, the block one subscriber gets, so rotating through it is not a new client each time.
 * The grouping is @nestjs/throttler's own (its default tracker), imported from the file that
 * holds it because the package index does not export it.
 */
export function clientAddressOf(request: Pick<Request, 'ip'>): string {
  return `ip:${normalizeIp(request.ip ?? 'unknown', DEFAULT_IPV6_SUBNET_PREFIX)}`;
}
