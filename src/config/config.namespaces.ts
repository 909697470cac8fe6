import { registerAs } from '@nestjs/config';

import { NodeEnvironment } from './environment';
import type { Environment } from './validate-environment';

/**
 * The typed configuration namespaces, each built from the one validated environment. The types
 * below are derived from these builders, so a variable is declared once (in EnvironmentSchema)
 * and mapped once (here); there is no hand-written copy of either to keep in step.
 */
const NAMESPACES = {
  app: (env: Environment) =>
    ({
      environment: env.NODE_ENV,
      isProduction: env.NODE_ENV === NodeEnvironment.Production,
      host: env.HOST,
      port: env.PORT,
      bodyLimit: env.BODY_LIMIT,
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      /** How long readiness reports 503 before the server stops accepting connections on SIGTERM. */
      shutdownDrainMs: env.SHUTDOWN_DRAIN_MS,
      /** How long the whole graceful stop may take before the process gives up and exits with 1. */
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      requestTimeoutMs: env.REQUEST_TIMEOUT_MS,
      compression: { enabled: env.COMPRESSION_ENABLED, thresholdBytes: env.COMPRESSION_THRESHOLD_BYTES },
      /** Guards /metrics when set. */
      metricsBearerToken: env.METRICS_BEARER_TOKEN,
      /** Guards /docs and /docs-json when set; production serves them only then. */
      docsBearerToken: env.DOCS_BEARER_TOKEN,
    }) as const,
  database: (env: Environment) =>
    ({
      /** Real Postgres when set; otherwise the embedded one is started. */
      url: env.DATABASE_URL,
      embeddedDir: env.EMBEDDED_DB_DIR,
      poolSize: env.DATABASE_POOL_SIZE,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
      runMigrations: env.DATABASE_MIGRATIONS_RUN,
      seedDemoData: env.SEED_DEMO_DATA,
    }) as const,
  redis: (env: Environment) =>
    ({
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT_MS,
      /** Deadline and breaker of the Redis calls requests wait for. */
      requestTimeoutMs: env.REDIS_REQUEST_TIMEOUT_MS,
      breakerThreshold: env.REDIS_BREAKER_THRESHOLD,
      breakerHalfOpenMs: env.REDIS_BREAKER_HALF_OPEN_MS,
    }) as const,
  cache: (env: Environment) => ({ backend: env.CACHE_BACKEND, defaultTtlMs: env.CACHE_DEFAULT_TTL_MS }) as const,
  logging: (env: Environment) =>
    ({
      level: env.LOG_LEVEL,
      format: env.LOG_FORMAT,
    }) as const,
  auth: (env: Environment) =>
    ({
      jwtSecret: env.JWT_SECRET,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessTokenTtlSeconds: env.JWT_ACCESS_TTL_SECONDS,
      refreshTokenTtlSeconds: env.JWT_REFRESH_TTL_SECONDS,
      /** No token of a session outlives its start by more than this. */
      sessionMaxSeconds: env.JWT_SESSION_MAX_SECONDS,
    }) as const,
  security: (env: Environment) =>
    ({
      /** AES-256-GCM keys for personal fields at rest, by id; new values use `activeKeyId`. */
      fieldEncryption: { keys: env.FIELD_ENCRYPTION_KEYS, activeKeyId: env.FIELD_ENCRYPTION_ACTIVE_KEY },
      /** Exact origins are allowed with credentials (cookies); patterns (`*` = a host label or a port) without. */
      cors: { origins: env.CORS_ORIGINS, patterns: env.CORS_ORIGIN_PATTERNS },
    }) as const,
  rateLimit: (env: Environment) =>
    ({
      enabled: env.RATE_LIMIT_ENABLED,
      defaultLimit: env.RATE_LIMIT_DEFAULT_LIMIT,
      defaultTtlMs: env.RATE_LIMIT_DEFAULT_TTL_MS,
      addressLimit: env.RATE_LIMIT_ADDRESS_LIMIT,
      burstLimit: env.RATE_LIMIT_BURST_LIMIT,
      burstTtlMs: env.RATE_LIMIT_BURST_TTL_MS,
      authLimit: env.RATE_LIMIT_AUTH_LIMIT,
      authTtlMs: env.RATE_LIMIT_AUTH_TTL_MS,
      accountLimit: env.RATE_LIMIT_ACCOUNT_LIMIT,
      accountTtlMs: env.RATE_LIMIT_ACCOUNT_TTL_MS,
      accountCeiling: env.RATE_LIMIT_ACCOUNT_CEILING,
      failClosed: env.RATE_LIMIT_FAIL_CLOSED,
    }) as const,
  events: (env: Environment) =>
    ({
      role: env.APP_ROLE,
      maxAttempts: env.EVENT_MAX_ATTEMPTS,
      retryBaseMs: env.EVENT_RETRY_BASE_MS,
      workerConcurrency: env.EVENT_WORKER_CONCURRENCY,
      outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      outboxLeaseMs: env.OUTBOX_LEASE_MS,
    }) as const,
  payment: (env: Environment) =>
    ({
      provider: env.PAYMENT_PROVIDER,
      currency: env.PAYMENT_CURRENCY,
      /** Set when the provider is stripe (validated at start-up). */
      ...(env.STRIPE_SECRET_KEY && {
        stripe: {
          secretKey: env.STRIPE_SECRET_KEY,
          apiUrl: env.STRIPE_API_URL ? new URL(env.STRIPE_API_URL) : undefined,
        },
      }),
      timeoutMs: env.PAYMENT_TIMEOUT_MS,
      retries: env.PAYMENT_RETRIES,
      retryBaseMs: env.PAYMENT_RETRY_BASE_MS,
      breakerThreshold: env.PAYMENT_BREAKER_THRESHOLD,
      breakerHalfOpenMs: env.PAYMENT_BREAKER_HALF_OPEN_MS,
    }) as const,
};

type Namespaces = typeof NAMESPACES;

/** The shape behind `ConfigService<AllConfig, true>`; read it with `getOrThrow('x', { infer: true })`. */
export type AllConfig = { readonly [Name in keyof Namespaces]: ReturnType<Namespaces[Name]> };
export type AppConfig = AllConfig['app'];
export type DatabaseConfig = AllConfig['database'];
export type RedisConfig = AllConfig['redis'];
export type CacheConfig = AllConfig['cache'];
export type LoggingConfig = AllConfig['logging'];
export type AuthConfig = AllConfig['auth'];
export type SecurityConfig = AllConfig['security'];
export type RateLimitConfig = AllConfig['rateLimit'];
export type PaymentConfig = AllConfig['payment'];

/**
 * Registers every namespace for one validated environment. Taking the environment as an argument
 * (instead of reading process.env) lets tests boot several apps with different settings in one process.
 */
export function configNamespaces(env: Environment) {
  return Object.entries(NAMESPACES).map(([name, build]) => registerAs(name, () => build(env)));
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
