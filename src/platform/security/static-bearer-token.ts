import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * A configured token that operational endpoints (/metrics, /docs) accept as
 * `Authorization: Bearer <token>`. Digests are compared, not strings: equal length and constant
 * time, whatever was sent.
 */
export class StaticBearerToken {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = sha256(token);
  }

  isPresentedIn(authorization: string | undefined): boolean {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    return presented !== undefined && timingSafeEqual(sha256(presented), this.digest);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
