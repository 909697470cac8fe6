import { Injectable } from '@nestjs/common';

import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { PermissionDeniedException } from '../common/errors';

/** A price may move by this much (either way, relative to the stored price) without `products:admin`. */
export const MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT = 20;

/**
 * Guards against fat-finger and insider repricing: a large price change needs `products:admin`
 * (seed spec §11). From a price of 0, any change counts as large.
 */
@Injectable()
export class PriceChangePolicy {
  constructor(private readonly access: AccessControlService) {}

  /** Throws PERMISSION_DENIED when `principal` may not move the price from `current` to `next`. */
  ensureAllowed(principal: Principal, current: number, next: number | undefined): void {
    if (next === undefined || !isLargePriceChange(current, next)) return;
    if (this.access.can(principal, Permission.ProductsAdmin)) return;
    throw new PermissionDeniedException(
      {
        permission: Permission.ProductsAdmin,
        reason: 'price_change_too_large',
        maxChangePercent: MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT,
      },
      `A price change of more than ${MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT}% needs the products:admin permission`,
    );
  }
}

/** |next - current| > 20% of current, in integer arithmetic (no rounding at the boundary). */
export function isLargePriceChange(current: number, next: number): boolean {
  return Math.abs(next - current) * 100 > current * MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT;
}
