/**
 * What a list handler returns: the envelope interceptor renders it as
 * `{ success: true, data: items, meta }`.
 */
export class Paginated<T, M extends object = Record<string, unknown>> {
  constructor(
    readonly items: T[],
    readonly meta: M,
  ) {}
}
