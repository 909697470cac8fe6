import { KEY_ID } from './environment';

/** AES-256 needs exactly this many key bytes. */
const FIELD_KEY_BYTES = 32;

/**
 * Parses `FIELD_ENCRYPTION_KEYS` ("k1:<base64>,k2:<base64>") into key id -> key bytes. Throws an
 * Error whose message names the rule broken, never a key.
 */
export function parseFieldEncryptionKeys(raw: string): ReadonlyMap<string, Buffer> {
  const keys = new Map<string, Buffer>();
  for (const entry of raw.split(',').map((part) => part.trim())) {
    const separator = entry.indexOf(':');
    const id = entry.slice(0, separator);
    if (separator <= 0 || !KEY_ID.test(id)) {
      throw new Error(
        'must be a comma-separated list of <id>:<base64 key> with ids of 1-16 characters A-Z a-z 0-9 _ -',
      );
    }
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== FIELD_KEY_BYTES) throw new Error(`key "${id}" must be ${FIELD_KEY_BYTES} bytes (base64)`);
    if (keys.has(id)) throw new Error(`names the key "${id}" twice`);
    keys.set(id, key);
  }
  return keys;
}

/** The key new values are encrypted with: the one named, or the only one. */
export function resolveActiveKeyId(keys: ReadonlyMap<string, Buffer>, named: string | undefined): string {
  if (named !== undefined) {
    if (!keys.has(named)) throw new Error(`names the key "${named}", which FIELD_ENCRYPTION_KEYS does not hold`);
    return named;
  }
  const [only, ...others] = keys.keys();
  if (only === undefined || others.length > 0)
    throw new Error('is required when FIELD_ENCRYPTION_KEYS holds several keys');
  return only;
}
