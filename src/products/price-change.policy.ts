import { Injectable } from '@nestjs/common';

import { AccessControlService } from '../common/access/access-control.service';
import { Permission } from '../common/access/permissions';
import type { Principal } from '../common/access/principal';
import { PermissionDeniedException } from '../common/errors';
import type { Product } from './product.entity';

/** A price may move by this much (either way, relative to the reference price) without `products:admin`. */
const MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT = 20;

/** The prices the rule reads: the current one and the reference an admin (or creation) set. */
export type PricedProduct = Pick<Product, 'priceCents' | 'referencePriceCents'>;

/**
 * Guards against fat-finger and insider repricing: a price more than 20% away from the product's
 * reference price needs `products:admin` (seed spec §11). The reference, not the current price:
 * otherwise five 19% steps make a 140% change (docs/decisions/0031). The reference is the price at
 * creation, and moves only with a price change made with `products:admin`. From a reference of 0,
 * any change counts as large.
 */
@Injectable()
export class PriceChangePolicy {
  constructor(private readonly access: AccessControlService) {}

  /**
   * Throws PERMISSION_DENIED when `principal` may not set the price to `next`; otherwise the
   * reference-price change to store with it (an admin's price becomes the new reference; a
   * reference still unset is pinned to the price before this change), or nothing.
   */
  referenceAfter(
    principal: Principal,
    product: PricedProduct,
    next: number | undefined,
  ): { referencePriceCents?: number } {
    if (next === undefined) return {};
    const reference = product.referencePriceCents ?? product.priceCents;
    const admin = this.access.can(principal, Permission.ProductsAdmin);
    if (admin) return { referencePriceCents: next };
    if (!isLargePriceChange(reference, next)) {
      return product.referencePriceCents === null ? { referencePriceCents: reference } : {};
    }
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

/** |next - reference| > 20% of reference, in integer arithmetic (no rounding at the boundary). */
export function isLargePriceChange(reference: number, next: number): boolean {
  return Math.abs(next - reference) * 100 > reference * MAX_UNPRIVILEGED_PRICE_CHANGE_PERCENT;
}
