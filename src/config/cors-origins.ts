/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** The same with `*` standing for one host label or a port number. */
const ORIGIN_PATTERN = /^https?:\/\/[A-Za-z0-9.*-]+(:(\d{1,5}|\*))?$/;

/** Origins that get CORS responses in development when nothing is configured: local front-ends. */
export const DEVELOPMENT_CORS_ORIGIN_PATTERNS = 'http://localhost:*,http://127.0.0.1:*';

/** Splits a comma-separated list and checks each origin; throws with the offending entry's position. */
export function parseOrigins(raw: string): string[] {
  return parseList(raw, ORIGIN, 'must list origins such as https://shop.example.com (scheme, host, optional port)');
}

/** Like parseOrigins, with wildcards; a wildcard host must keep a fixed registrable part (`*.example.com`, not `*.com`). */
export function parseOriginPatterns(raw: string): string[] {
  const patterns = parseList(
    raw,
    ORIGIN_PATTERN,
    'must list origin patterns such as https://*.example.com or http://localhost:*',
  );
  patterns.forEach((pattern, index) => {
    const host = pattern.replace(/^https?:\/\//, '').replace(/:(\d+|\*)$/, '');
    const fixedPart = host.slice(host.lastIndexOf('*') + 1);
    if (host.includes('*') && fixedPart.split('.').filter(Boolean).length < 2) {
      throw new Error(`must keep at least two fixed host labels after a wildcard (entry ${index + 1} does not)`);
    }
  });
  return patterns;
}

/**
 * A pattern as an anchored regular expression: `*` matches one DNS label (letters, digits,
 * hyphens, never a dot) or, after the colon, a port; everything else is literal.
 */
export function originPatternToRegExp(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[A-Za-z0-9-]+');
  return new RegExp(`^${escaped}$`);
}

function parseList(raw: string, rule: RegExp, message: string): string[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  items.forEach((item, index) => {
    if (!rule.test(item)) throw new Error(`${message} (entry ${index + 1} is not)`);
  });
  return items;
}
