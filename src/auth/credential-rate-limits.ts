import { createHash } from 'node:crypto';

/**
 * Which account a login attempt targets, as the failed-login limits name it: the normalised
 * email, hashed so no address ends up in a Redis key.
 */
export function loginAccountOf(email: string): string {
  return `login:${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url').slice(0, 22)}`;
}
