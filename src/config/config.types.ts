import type { LogLevel } from './environment';

export interface AppConfig {
  readonly environment: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly bodyLimit: string;
  readonly trustProxy: boolean | number | string;
  /** How long readiness reports 503 before the server stops accepting connections on SIGTERM. */
  readonly shutdownDrainMs: number;
  /** How long the whole graceful stop may take before the process gives up and exits with 1. */
  readonly shutdownTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly compression: { readonly enabled: boolean; readonly thresholdBytes: number };
  /** Guards /metrics when set. */
  readonly metricsBearerToken?: string;
  /** Guards /docs and /docs-json when set; production serves them only then. */
  readonly docsBearerToken?: string;
  /** Request-path layers that can be switched off to measure their cost (all on by default; decision 0024). */
  readonly layers: {
    readonly httpMetrics: boolean;
    readonly securityHeaders: boolean;
    readonly responseEnvelope: boolean;
  };
}

export interface DatabaseConfig {
  /** Real Postgres when set; otherwise the embedded one is started. */
  readonly url?: string;
  readonly embeddedDir: string;
  readonly poolSize: number;
  readonly connectTimeoutMs: number;
  readonly statementTimeoutMs: number;
  readonly runMigrations: boolean;
  readonly seedDemoData: boolean;
}

export interface RedisConfig {
  readonly url?: string;
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
}

export interface CacheConfig {
  readonly backend: 'redis' | 'memory' | 'none';
  readonly defaultTtlMs: number;
}

export interface LoggingConfig {
  readonly level: LogLevel;
  readonly format: 'json' | 'pretty';
  /** Whether every request gets its completion line. */
  readonly requestLogging: boolean;
}

export interface AuthConfig {
  readonly jwtSecret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** No token of a session outlives its start by more than this. */
  readonly sessionMaxSeconds: number;
}

export interface SecurityConfig {
  /** AES-256-GCM keys for personal fields at rest, by id; new values use `activeKeyId`. */
  readonly fieldEncryption: {
    readonly keys: ReadonlyMap<string, Buffer>;
    readonly activeKeyId: string;
  };
  readonly cors: {
    /** Exact origins: allowed with credentials (cookies). */
    readonly origins: readonly string[];
    /** Origin patterns (`*` = one host label or a port): allowed without credentials. */
    readonly patterns: readonly string[];
  };
}

export interface RateLimitConfig {
  readonly enabled: boolean;
  readonly defaultLimit: number;
  readonly defaultTtlMs: number;
  readonly burstLimit: number;
  readonly burstTtlMs: number;
  readonly authLimit: number;
  readonly authTtlMs: number;
  readonly accountLimit: number;
  readonly accountTtlMs: number;
  readonly failClosed: boolean;
}

export interface EventsConfig {
  readonly role: 'all' | 'api' | 'worker';
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly workerConcurrency: number;
  readonly outboxPollIntervalMs: number;
  readonly outboxLeaseMs: number;
}

export interface PaymentConfig {
  readonly provider: 'stripe' | 'stand-in';
  readonly currency: string;
  /** Set when the provider is stripe (validated at start-up). */
  readonly stripe?: { readonly secretKey: string; readonly apiUrl?: URL };
  readonly timeoutMs: number;
  readonly retries: number;
  readonly retryBaseMs: number;
  readonly breakerThreshold: number;
  readonly breakerHalfOpenMs: number;
}

/** The shape behind `ConfigService<AllConfig, true>`; read it with `getOrThrow('x', { infer: true })`. */
export interface AllConfig {
  readonly app: AppConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly cache: CacheConfig;
  readonly logging: LoggingConfig;
  readonly auth: AuthConfig;
  readonly rateLimit: RateLimitConfig;
  readonly events: EventsConfig;
  readonly payment: PaymentConfig;
  readonly security: SecurityConfig;
}
