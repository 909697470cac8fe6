import { defineEvent } from '../events/domain-event';

/**
 * Security telemetry, signalled through the event bus (EventBus.signal: best-effort, in-process,
 * no outbox row) so alerting or an audit sink can subscribe with @OnDomainEvent. Never secrets:
 * ids and reasons only.
 */

export interface TokenCreatedPayload {
  readonly userId: string;
  readonly sessionId: string;
  /** `login` opens a session; `rotation` exchanges a refresh token. */
  readonly reason: 'login' | 'rotation';
}

export const TokenCreated = defineEvent<TokenCreatedPayload>('security.token_created');

export interface TokenRevokedPayload {
  /** Null when the session's owner is unknown (a session id that matched no ledger row). */
  readonly userId: string | null;
  readonly sessionId: string;
  /** `logout`, `refresh_token_reused`, `stale_session`, `token_mismatch`. */
  readonly reason: string;
}

export const TokenRevoked = defineEvent<TokenRevokedPayload>('security.token_revoked');

export interface ApiKeyCreatedPayload {
  readonly userId: string;
  readonly apiKeyId: string;
  readonly permissions: readonly string[];
  /** The key it was created with, if any. */
  readonly mintedById: string | null;
}

export const ApiKeyCreated = defineEvent<ApiKeyCreatedPayload>('security.api_key_created');

export interface PasswordVerificationFailedPayload {
  /** Null for an unknown email. */
  readonly userId: string | null;
  /** `unknown_account`, `wrong_password`, `inactive`. */
  readonly reason: string;
}

export const PasswordVerificationFailed = defineEvent<PasswordVerificationFailedPayload>(
  'security.password_verification_failed',
);
