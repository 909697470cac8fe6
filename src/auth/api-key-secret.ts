import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/** 256 bits of randomness: guessing is hopeless, so one fast hash protects the stored form (see below). */
const SECRET_BYTES = 32;
const KEY_FORMAT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  readonly id: string;
  /** The whole key, `<id>.<secret>`: handed to the owner once, never stored or logged. */
  readonly key: string;
  readonly secretHash: string;
}

/**
 * A new key: a UUID (the lookup half) and a random secret. The secret is stored as SHA-256, not
 * argon2: a slow hash exists to make guessing low-entropy passwords expensive, and a 256-bit
 * random secret cannot be guessed at any speed; a fast hash keeps every API request cheap.
 */
export function generateApiKey(): GeneratedApiKey {
  const id = randomUUID();
  const secret = randomBytes(SECRET_BYTES).toString('base64url');
  return { id, key: `${id}.${secret}`, secretHash: hashSecret(secret) };
}

/** The two halves of a presented key; null when it does not have the shape of one. */
export function parseApiKey(presented: string): { id: string; secret: string } | null {
  const match = KEY_FORMAT.exec(presented);
  return match ? { id: match[1], secret: match[2] } : null;
}

/** Constant-time comparison of a presented secret with the stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const expected = Buffer.from(storedHash, 'hex');
  const actual = Buffer.from(hashSecret(secret), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
