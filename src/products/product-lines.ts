/** A quantity of one product, as orders request it and stock is taken or given back. */
export interface ProductLine {
  readonly productId: string;
  readonly quantity: number;
}

/**
 * One line per product, quantities added, in the order products first appear. Ids are compared
 * lower-cased (a UUID in either case names the same product) and returned that way.
 */
export function combineProductLines(lines: readonly ProductLine[]): ProductLine[] {
  const totals = new Map<string, number>();
  for (const { productId, quantity } of lines) {
    const id = productId.toLowerCase();
    totals.set(id, (totals.get(id) ?? 0) + quantity);
  }
  return [...totals].map(([productId, quantity]) => ({ productId, quantity }));
}
