/**
 * Paths pino blanks out wherever they appear in a logged object. Request headers are not logged
 * at all (see the serializers); these catch secrets that reach a log through an error or an
 * object logged on purpose.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  ...[
    'password',
    'currentPassword',
    'newPassword',
    'passwordHash',
    'token',
    'accessToken',
    'refreshToken',
    'apiKey',
    'secret',
    'csrfToken',
    'authorization',
    'cookie',
    // Personal data: encrypted at rest (users.phone), so never in clear in a log either.
    'phone',
  ].flatMap((key) => [key, `*.${key}`, `*.*.${key}`]),
];

export const REDACTION_CENSOR = '[REDACTED]';
