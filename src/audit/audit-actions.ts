/** Every action the audit log records. Adding one is fine; renaming one breaks saved queries. */
export enum AuditAction {
  LoginSucceeded = 'auth.login_succeeded',
  LoginFailed = 'auth.login_failed',
  RefreshTokenReused = 'auth.refresh_token_reused',
  ApiKeyCreated = 'api_key.created',
  ApiKeyRevoked = 'api_key.revoked',
  PasswordChanged = 'user.password_changed',
  RoleChanged = 'user.role_changed',
  UserDeactivated = 'user.deactivated',
  OrderPlaced = 'order.placed',
  OrderCancelled = 'order.cancelled',
  FeatureFlagCreated = 'feature_flag.created',
  FeatureFlagUpdated = 'feature_flag.updated',
}

/** The kinds of resource audit entries name. */
export enum AuditResource {
  User = 'user',
  ApiKey = 'api_key',
  Session = 'session',
  Order = 'order',
  FeatureFlag = 'feature_flag',
}
