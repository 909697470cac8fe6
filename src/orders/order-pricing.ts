import { BusinessRuleException, ValidationException } from '../common/errors';
import { combineProductLines } from '../products/product-lines';
import type { OrderableProduct } from '../products/products.service';
import { MAX_QUANTITY_PER_LINE } from './dto/order-line.dto';

/** The totals column is a 4-byte integer; a larger order is refused rather than overflowing. */
export const MAX_ORDER_TOTAL_CENTS = 2_000_000_000;

export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
}

interface PricedLine {
  readonly productId: string;
  readonly sku: string;
  readonly name: string;
  readonly unitPriceCents: number;
  readonly quantity: number;
  readonly lineTotalCents: number;
}

export interface PricedOrder {
  readonly lines: PricedLine[];
  readonly totalCents: number;
}

/**
 * Lines for the same product become one (quantities added), in the order they first appear.
 * A merged quantity over the per-line maximum is a validation error on the items.
 */
export function mergeLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const result = combineProductLines(lines);
  const tooMany = result.find((line) => line.quantity > MAX_QUANTITY_PER_LINE);
  if (tooMany) {
    throw ValidationException.forField(
      ['body', 'items'],
      `ask for at most ${MAX_QUANTITY_PER_LINE} of product ${tooMany.productId} in all`,
      'invalid.totalQuantity',
    );
  }
  return result;
}

/** Prices the lines from the catalogue's current prices (never the client's). */
export function priceOrder(lines: readonly RequestedLine[], products: readonly OrderableProduct[]): PricedOrder {
  const byId = new Map(products.map((product) => [product.id, product]));
  const priced = lines.map((line) => {
    const product = byId.get(line.productId);
    if (!product) throw new Error(`product ${line.productId} was not loaded`);
    return {
      productId: product.id,
      sku: product.sku,
      name: product.name,
      unitPriceCents: product.priceCents,
      quantity: line.quantity,
      lineTotalCents: product.priceCents * line.quantity,
    };
  });
  const totalCents = priced.reduce((sum, line) => sum + line.lineTotalCents, 0);
  if (totalCents > MAX_ORDER_TOTAL_CENTS) {
    throw new BusinessRuleException('The order total is above the limit of a single order', {
      totalCents,
      maxTotalCents: MAX_ORDER_TOTAL_CENTS,
    });
  }
  return { lines: priced, totalCents };
}
