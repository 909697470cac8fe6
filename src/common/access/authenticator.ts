import type { Request } from 'express';

import type { Principal } from './principal';

/**
 * The port the global authentication guard calls. The auth slice provides the implementation
 * (tokens, API keys); common/ only knows this shape, so it depends on no slice.
 */
export interface Authenticator {
  /** The caller of `request`; null when it carries no credentials; throws AuthenticationException when they are bad. */
  authenticate(request: Request): Promise<Principal | null>;
}

export const AUTHENTICATOR = Symbol('AUTHENTICATOR');
