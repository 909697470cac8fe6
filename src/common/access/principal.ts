import type { Request } from 'express';

import type { Permission } from './permissions';
import type { Role } from './roles';

/** How the caller proved who they are. */
type AuthenticationMethod = 'access_token' | 'api_key';

/** The authenticated caller, as guards, services and the audit log see it. */
export interface Principal {
  readonly userId: string;
  readonly role: Role;
  readonly method: AuthenticationMethod;
  /** Access token id (jti) or API key id; lets logout and revocation name what to revoke. */
  readonly credentialId: string;
  /** Unix seconds when the credential stops working (access tokens); undefined for keys without expiry. */
  readonly expiresAt?: number;
  /** The sign-in session (refresh-token family) an access token belongs to; CSRF tokens are bound to it. */
  readonly sessionId?: string;
  /** True when the credential came from a cookie: such requests need a CSRF token. */
  readonly viaCookie?: boolean;
  /** An API key's permissions: the caller may do at most these (and what its role allows). */
  readonly scopes?: readonly Permission[];
}

/** A request after the authentication guard: `principal` is set unless the route is public and the caller anonymous. */
export type AuthenticatedRequest = Request & { principal?: Principal };
