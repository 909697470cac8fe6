import { createHash } from 'node:crypto';

/**
 * A strong entity tag for a JSON-serialisable value: equal JSON, equal tag. Strong because the
 * representation is byte-for-byte determined by the value (same serialisation, same envelope).
 */
export function strongEtag(value: unknown): string {
  return strongEtagOfJson(JSON.stringify(value) ?? 'undefined');
}

/** The same tag, from JSON already serialised (`strongEtag(v) === strongEtagOfJson(JSON.stringify(v))`). */
export function strongEtagOfJson(json: string): string {
  return `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 §13.1.2: `*` matches anything, and
 * the comparison is weak, so `W/"x"` matches `"x"`).
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const candidates = (Array.isArray(header) ? header.join(',') : header).split(',').map((tag) => tag.trim());
  const opaque = withoutWeakPrefix(etag);
  return candidates.some((candidate) => candidate === '*' || withoutWeakPrefix(candidate) === opaque);
}

function withoutWeakPrefix(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
