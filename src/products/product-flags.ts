/**
 * Feature flags the products slice consults (administered at /admin/feature-flags).
 *
 * `products.search-descriptions`: the `q` filter of GET /products also matches descriptions, not
 * only names and skus. Rolled out gradually because an unindexed ILIKE over long descriptions
 * costs more than over names, and because broader matches change what customers see first.
 */
export const SEARCH_DESCRIPTIONS_FLAG = 'products.search-descriptions';
