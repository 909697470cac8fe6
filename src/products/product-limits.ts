/** Bounds shared by the DTOs and the stock updates (int4 columns must never overflow). */
export const MAX_PRICE_CENTS = 1_000_000_000;
export const MAX_STOCK = 1_000_000_000;
export const MAX_STOCK_DELTA = 1_000_000;

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
export const CATEGORY_PATTERN = /^[a-z0-9][a-z0-9 &_-]{0,63}$/;
