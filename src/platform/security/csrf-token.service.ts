import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { SecurityMetrics } from './security.metrics';

const NONCE_BYTES = 24;
const MAC_BYTES = 32;

/**
 * CSRF tokens for cookie-authenticated clients: `<nonce>.<HMAC(session id, nonce)>`. The token is
 * set as a cookie and must come back in a header (double submit); the HMAC binds it to the
 * session, so a token planted by a sibling subdomain, or taken from another session, is refused.
 * The key is derived from the JWT secret under its own label (no extra secret to configure).
 */
@Injectable()
export class CsrfTokenService {
  private readonly key: Buffer;

  constructor(
    config: ConfigService<AllConfig, true>,
    private readonly metrics: SecurityMetrics,
  ) {
    const secret = config.getOrThrow('auth', { infer: true }).jwtSecret;
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'csrf-token/v1', 32));
  }

  issue(sessionId: string): string {
    const nonce = randomBytes(NONCE_BYTES).toString('base64url');
    return `${nonce}.${this.mac(sessionId, nonce).toString('base64url')}`;
  }

  /**
   * True when the header and the cookie carry the same token and it was issued for this session.
   * Every comparison is constant-time.
   */
  verify(headerToken: string | undefined, cookieToken: string | undefined, sessionId: string): boolean {
    const valid = this.matches(headerToken, cookieToken, sessionId);
    this.metrics.csrfValidations.inc({ result: valid ? 'valid' : 'invalid' });
    return valid;
  }

  private matches(headerToken: string | undefined, cookieToken: string | undefined, sessionId: string): boolean {
    if (!headerToken || !cookieToken || headerToken.length > 256) return false;
    if (!equalStrings(headerToken, cookieToken)) return false;
    const [nonce, mac, extra] = headerToken.split('.');
    if (!nonce || !mac || extra !== undefined) return false;
    const given = Buffer.from(mac, 'base64url');
    return given.length === MAC_BYTES && timingSafeEqual(given, this.mac(sessionId, nonce));
  }

  private mac(sessionId: string, nonce: string): Buffer {
    return createHmac('sha256', this.key).update(`${sessionId}\n${nonce}`).digest();
  }
}

function equalStrings(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
