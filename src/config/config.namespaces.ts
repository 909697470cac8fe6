import { registerAs } from '@nestjs/config';

import type {
  AppConfig,
  AuthConfig,
  CacheConfig,
  DatabaseConfig,
  EventsConfig,
  LoggingConfig,
  PaymentConfig,
  RateLimitConfig,
  RedisConfig,
  SecurityConfig,
} from './config.types';
import { parseOriginPatterns, parseOrigins } from './cors-origins';
import { type Environment, NodeEnvironment } from './environment';
import { parseFieldEncryptionKeys } from './field-encryption-keys';

/**
 * Builds the typed configuration namespaces from one validated environment. Taking the
 * environment as an argument (instead of reading process.env) lets tests boot several apps
 * with different settings in one process.
 */
export function configNamespaces(env: Environment) {
  return [
    registerAs('app', () => appConfig(env)),
    registerAs('database', () => databaseConfig(env)),
    registerAs('redis', (): RedisConfig => ({
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
    })),
    registerAs('cache', (): CacheConfig => ({ backend: env.CACHE_BACKEND, defaultTtlMs: env.CACHE_DEFAULT_TTL_MS })),
    registerAs('logging', (): LoggingConfig => ({
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT,
      requestLogging: env.REQUEST_LOGGING_ENABLED,
    })),
    registerAs('auth', () => authConfig(env)),
    registerAs('security', () => securityConfig(env)),
    registerAs('rateLimit', () => rateLimitConfig(env)),
    registerAs('events', () => eventsConfig(env)),
    registerAs('payment', () => paymentConfig(env)),
  ];
}

function appConfig(env: Environment): AppConfig {
  return {
    environment: env.NODE_ENV,
    isProduction: env.NODE_ENV === NodeEnvironment.Production,
    host: env.HOST,
    port: env.PORT,
    bodyLimit: env.BODY_LIMIT,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
    compression: { enabled: env.COMPRESSION_ENABLED, thresholdBytes: env.COMPRESSION_THRESHOLD_BYTES },
    metricsBearerToken: env.METRICS_BEARER_TOKEN,
    docsBearerToken: env.DOCS_BEARER_TOKEN,
    layers: {
      httpMetrics: env.HTTP_METRICS_ENABLED,
      securityHeaders: env.SECURITY_HEADERS_ENABLED,
      responseEnvelope: env.RESPONSE_ENVELOPE_ENABLED,
    },
  };
}

function databaseConfig(env: Environment): DatabaseConfig {
  return {
    url: env.DATABASE_URL,
    embeddedDir: env.EMBEDDED_DB_DIR,
    poolSize: env.DATABASE_POOL_SIZE,
    connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    runMigrations: env.DATABASE_MIGRATIONS_RUN,
    seedDemoData: env.SEED_DEMO_DATA,
  };
}

function authConfig(env: Environment): AuthConfig {
  return {
    jwtSecret: env.JWT_SECRET,
    issuer: env.JWT_ISSUER,
    audience: env.JWT_AUDIENCE,
    accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
    refreshTokenTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
    sessionMaxSeconds: env.JWT_SESSION_MAX_SECONDS,
  };
}

function securityConfig(env: Environment): SecurityConfig {
  return {
    fieldEncryption: {
      keys: parseFieldEncryptionKeys(env.FIELD_ENCRYPTION_KEYS),
      activeKeyId: env.FIELD_ENCRYPTION_ACTIVE_KEY,
    },
    cors: { origins: parseOrigins(env.CORS_ORIGINS), patterns: parseOriginPatterns(env.CORS_ORIGIN_PATTERNS) },
  };
}

function rateLimitConfig(env: Environment): RateLimitConfig {
  return {
    enabled: env.RATE_LIMIT_ENABLED,
    defaultLimit: env.RATE_LIMIT_DEFAULT_LIMIT,
    defaultTtlMs: env.RATE_LIMIT_DEFAULT_TTL_MS,
    burstLimit: env.RATE_LIMIT_BURST_LIMIT,
    burstTtlMs: env.RATE_LIMIT_BURST_TTL_MS,
    authLimit: env.RATE_LIMIT_AUTH_LIMIT,
    authTtlMs: env.RATE_LIMIT_AUTH_TTL_MS,
    accountLimit: env.RATE_LIMIT_ACCOUNT_LIMIT,
    accountTtlMs: env.RATE_LIMIT_ACCOUNT_TTL_MS,
    failClosed: env.RATE_LIMIT_FAIL_CLOSED,
  };
}

function eventsConfig(env: Environment): EventsConfig {
  return {
    role: env.APP_ROLE,
    maxAttempts: env.EVENT_MAX_ATTEMPTS,
    retryBaseMs: env.EVENT_RETRY_BASE_MS,
    workerConcurrency: env.EVENT_WORKER_CONCURRENCY,
    outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
    outboxLeaseMs: env.OUTBOX_LEASE_MS,
  };
}

function paymentConfig(env: Environment): PaymentConfig {
  return {
    provider: env.PAYMENT_PROVIDER,
    currency: env.PAYMENT_CURRENCY,
    stripe: env.STRIPE_SECRET_KEY
      ? { secretKey: env.STRIPE_SECRET_KEY, apiUrl: env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined }
      : undefined,
    timeoutMs: env.PAYMENT_TIMEOUT_MS,
    retries: env.PAYMENT_RETRIES,
    retryBaseMs: env.PAYMENT_RETRY_BASE_MS,
    breakerThreshold: env.PAYMENT_BREAKER_THRESHOLD,
    breakerHalfOpenMs: env.PAYMENT_BREAKER_HALF_OPEN_MS,
  };
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
