import fc from 'fast-check';

import { BusinessRuleException, ValidationException } from '../common/errors';
import type { OrderableProduct } from '../products/products.service';
import { MAX_QUANTITY_PER_LINE } from './dto/order-line.dto';
import { MAX_ORDER_TOTAL_CENTS, mergeLines, priceOrder } from './order-pricing';

const A = '6f1d2c3b-0000-4000-8000-00000000000a';
const B = '6f1d2c3b-0000-4000-8000-00000000000b';

const product = (id: string, priceCents: number): OrderableProduct => ({
  id,
  sku: `SKU-${id.slice(-1)}`,
  name: `Product ${id.slice(-1)}`,
  priceCents,
});

describe('mergeLines', () => {
  it('adds up the quantities of one product, keeping the order of first appearance', () => {
    expect(
      mergeLines([
        { productId: B, quantity: 1 },
        { productId: A, quantity: 2 },
        { productId: B, quantity: 3 },
      ]),
    ).toEqual([
      { productId: B, quantity: 4 },
      { productId: A, quantity: 2 },
    ]);
  });

  it('treats ids that differ only in case as one product', () => {
    expect(
      mergeLines([
        { productId: A.toUpperCase(), quantity: 1 },
        { productId: A, quantity: 1 },
      ]),
    ).toEqual([{ productId: A, quantity: 2 }]);
  });

  it('refuses a merged quantity above the per-line maximum, on the items field', () => {
    const lines = [
      { productId: A, quantity: MAX_QUANTITY_PER_LINE },
      { productId: A, quantity: 1 },
    ];

    expect(() => mergeLines(lines)).toThrow(ValidationException);
    try {
      mergeLines(lines);
    } catch (error) {
      expect((error as ValidationException).errors).toEqual([
        expect.objectContaining({ loc: ['body', 'items'], type: 'invalid.totalQuantity' }),
      ]);
    }
  });

  it('accepts exactly the maximum', () => {
    expect(mergeLines([{ productId: A, quantity: MAX_QUANTITY_PER_LINE }])).toHaveLength(1);
  });

  it('never loses or invents quantity (property)', () => {
    const line = fc.record({ productId: fc.constantFrom(A, B), quantity: fc.integer({ min: 1, max: 100 }) });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 10 }), (lines) => {
        const merged = mergeLines(lines);
        const sum = (items: ReadonlyArray<{ quantity: number }>) => items.reduce((total, l) => total + l.quantity, 0);
        expect(sum(merged)).toBe(sum(lines));
        expect(new Set(merged.map((l) => l.productId)).size).toBe(merged.length);
      }),
      { seed: 20261122, numRuns: 200 },
    );
  });
});

describe('priceOrder', () => {
  it('prices every line from the catalogue and totals them', () => {
    const order = priceOrder(
      [
        { productId: A, quantity: 3 },
        { productId: B, quantity: 1 },
      ],
      [product(A, 1999), product(B, 500)],
    );

    expect(order).toEqual({
      lines: [
        { productId: A, sku: 'SKU-a', name: 'Product a', unitPriceCents: 1999, quantity: 3, lineTotalCents: 5997 },
        { productId: B, sku: 'SKU-b', name: 'Product b', unitPriceCents: 500, quantity: 1, lineTotalCents: 500 },
      ],
      totalCents: 6497,
    });
  });

  it('refuses a total above what one order may hold, with both figures', () => {
    const price = Math.floor(MAX_ORDER_TOTAL_CENTS / 1000) + 1;

    expect(() => priceOrder([{ productId: A, quantity: 1000 }], [product(A, price)])).toThrow(BusinessRuleException);
  });

  it('accepts a total exactly at the limit', () => {
    const price = MAX_ORDER_TOTAL_CENTS / 1000;

    expect(priceOrder([{ productId: A, quantity: 1000 }], [product(A, price)]).totalCents).toBe(MAX_ORDER_TOTAL_CENTS);
  });

  it('fails loudly when a line has no loaded product (a caller bug, not a client error)', () => {
    expect(() => priceOrder([{ productId: B, quantity: 1 }], [product(A, 100)])).toThrow(/was not loaded/);
  });

  it('totals equal the sum of price × quantity (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 1000 }),
        (priceA, priceB, qtyA, qtyB) => {
          const order = priceOrder(
            [
              { productId: A, quantity: qtyA },
              { productId: B, quantity: qtyB },
            ],
            [product(A, priceA), product(B, priceB)],
          );
          expect(order.totalCents).toBe(priceA * qtyA + priceB * qtyB);
        },
      ),
      { seed: 20261122, numRuns: 300 },
    );
  });
});
