import { Transform, Type } from 'class-transformer';
import {
  IsEnum,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';

export enum NodeEnvironment {
  Development = 'development',
  Production = 'production',
  Test = 'test',
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * A secret that only exists so `npm start` works on a fresh machine. Production refuses it
 * (see validate-environment.ts), so it can never sign a real token.
 */
export const DEVELOPMENT_JWT_SECRET = 'development-only-jwt-secret-do-not-use-in-production';

/**
 * A field-encryption key ring that only exists so `npm start` works on a fresh machine; production
 * refuses it like the development JWT secret. 32 fixed bytes, base64.
 */
export const DEVELOPMENT_FIELD_ENCRYPTION_KEYS = 'dev:ZGV2ZWxvcG1lbnQtb25seS1maWVsZC1rZXktMzJieXQ=';

/**
 * Default credential-endpoint limits (RATE_LIMIT_AUTH_LIMIT per IP per minute,
 * RATE_LIMIT_ACCOUNT_LIMIT per account per 15 minutes): strict in production and tests, generous
 * in development so a person exploring the API with curl does not run into them.
 */
export const CREDENTIAL_LIMITS = {
  strict: { auth: 10, account: 10 },
  development: { auth: 100, account: 100 },
} as const;

/** Parses "true"/"false"/"1"/"0" strictly; anything else stays a string and fails @IsBoolean-like checks. */
function toBoolean({ value }: { value: unknown }): unknown {
  if (typeof value !== 'string') return value;
  const normalized = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(normalized)) return true;
  if (['false', '0', 'no'].includes(normalized)) return false;
  return value;
}

const POSTGRES_URL = /^postgres(ql)?:\/\/[^\s/]+(:\d+)?\/[^\s?]+(\?\S*)?$/;
const REDIS_URL = /^rediss?:\/\/[^\s/]*(:\d+)?(\/\d+)?$/;
const SIZE = /^\d+(b|kb|mb)$/i;
export const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;
const STRIPE_SECRET_KEY = /^(sk|rk)_(live|test)_[A-Za-z0-9]{8,}$/;

const PAYMENT_PROVIDERS = ['stripe', 'stand-in'] as const;
export type PaymentProvider = (typeof PAYMENT_PROVIDERS)[number];

/**
 * Every environment variable the service reads, with its rule and default. The class is the
 * single source of truth: `.env.example` and the README table mirror it.
 */
export class EnvironmentSchema {
  @IsEnum(NodeEnvironment)
  NODE_ENV: NodeEnvironment = NodeEnvironment.Development;

  @IsString()
  HOST = '0.0.0.0';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 0 and 65535' })
  @Min(0, { message: 'must be an integer between 0 and 65535' })
  @Max(65535, { message: 'must be an integer between 0 and 65535' })
  PORT = 3000;

  @Matches(SIZE, { message: 'must be a size such as 100kb or 1mb' })
  BODY_LIMIT = '100kb';

  /** Express "trust proxy" value: false, true, a hop count, or a list of subnets. */
  @IsString()
  TRUST_PROXY = 'false';

  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_DRAIN_MS = 0;

  /** The longest a graceful stop may take (drain included) before the process exits with 1. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  SHUTDOWN_TIMEOUT_MS = 25_000;

  /** A request taking longer is answered 503 and its unfinished unit of work rolled back (0 turns it off). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  REQUEST_TIMEOUT_MS = 15_000;

  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  COMPRESSION_ENABLED = true;

  /** Responses smaller than this are sent uncompressed (not worth the CPU). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  COMPRESSION_THRESHOLD_BYTES = 1024;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  @IsOptional()
  @IsIn(['json', 'pretty'])
  LOG_FORMAT?: 'json' | 'pretty';

  @IsOptional()
  @Matches(POSTGRES_URL, { message: 'must be a postgres:// URL with a database name' })
  DATABASE_URL?: string;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DATABASE_CONNECT_TIMEOUT_MS = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  DATABASE_STATEMENT_TIMEOUT_MS = 10000;

  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  DATABASE_MIGRATIONS_RUN = true;

  /** Where the embedded Postgres keeps its files when DATABASE_URL is unset; "memory" keeps nothing. */
  @IsString()
  @MinLength(1)
  EMBEDDED_DB_DIR = '.data/pglite';

  /** Demo users and products; defaults to on for zero-setup runs only. */
  @Transform(toBoolean)
  @IsOptional()
  @IsIn([true, false], { message: 'must be true or false' })
  SEED_DEMO_DATA?: boolean;

  @IsOptional()
  @Matches(REDIS_URL, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  /** Namespaces every Redis key, so several environments (or test files) can share one server. */
  @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'must be 1-64 characters of A-Z a-z 0-9 : _ -' })
  REDIS_KEY_PREFIX = 'commerce:';

  @Type(() => Number)
  @IsInt()
  @Min(50)
  REDIS_COMMAND_TIMEOUT_MS = 500;

  /**
   * Deadline of each Redis call a request waits for (cache reads, rate-limit checks, revocation
   * checks); past it the call counts as failed and the request takes the documented fallback.
   */
  @Type(() => Number)
  @IsInt()
  @Min(5)
  @Max(1000)
  REDIS_REQUEST_TIMEOUT_MS = 50;

  /** Consecutive failed request-path Redis calls that open the breaker (calls then fall back at once). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  REDIS_BREAKER_THRESHOLD = 5;

  /** How long the open breaker waits before letting one trial call through. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  REDIS_BREAKER_HALF_OPEN_MS = 1000;

  @IsOptional()
  @IsIn(['redis', 'memory', 'none'])
  CACHE_BACKEND?: 'redis' | 'memory' | 'none';

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  CACHE_DEFAULT_TTL_MS = 60_000;

  // The decorator nearest the property reports first: "required" before "too short".
  /** Where traces go (OTLP over HTTP); unset turns tracing off. Other OTEL_* variables are read by the SDK. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  @IsString()
  @MaxLength(100)
  OTEL_SERVICE_NAME = 'commerce-api';

  /** When set, GET /metrics needs `Authorization: Bearer <token>` (for scrapes that cross a network boundary). */
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  METRICS_BEARER_TOKEN?: string;

  /**
   * Production refuses to start with an unguarded /metrics unless this says the endpoint is
   * meant to be open (e.g. reachable only inside a network policy).
   */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  METRICS_PUBLIC = false;

  /** When set, /docs and /docs-json need `Authorization: Bearer <token>`; production serves them only then. */
  @IsOptional()
  @MinLength(16, { message: 'must be at least 16 characters' })
  DOCS_BEARER_TOKEN?: string;

  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  RATE_LIMIT_ENABLED = true;

  /** Requests per signed-in user per window (RATE_LIMIT_DEFAULT_TTL_MS), across the whole API. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_DEFAULT_LIMIT = 300;

  /**
   * Requests per client address per window (RATE_LIMIT_DEFAULT_TTL_MS), counted before anything
   * else: every request, signed in or not, refused or not. Raise it when many users share an address.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ADDRESS_LIMIT = 600;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RATE_LIMIT_DEFAULT_TTL_MS = 60_000;

  /** Extra short-window cap against bursts (0 turns it off). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_BURST_LIMIT = 50;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RATE_LIMIT_BURST_TTL_MS = 1000;

  /** The stricter limit of the credential endpoints (login, refresh), per IP. Default: CREDENTIAL_LIMITS. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_AUTH_LIMIT?: number;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RATE_LIMIT_AUTH_TTL_MS = 60_000;

  /**
   * Failed logins into one account from one address per window before that address is refused
   * for it (docs/decisions/0028). Default: CREDENTIAL_LIMITS.
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ACCOUNT_LIMIT?: number;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  RATE_LIMIT_ACCOUNT_TTL_MS = 900_000;

  /**
   * Failed logins into one account from all addresses per window after which every attempt on it
   * is slowed and addresses that have failed on it are refused (docs/decisions/0028).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  RATE_LIMIT_ACCOUNT_CEILING = 100;

  /** When the Redis behind the limits fails: false counts per instance meanwhile, true answers 503. */
  @Transform(toBoolean)
  @IsIn([true, false], { message: 'must be true or false' })
  RATE_LIMIT_FAIL_CLOSED = false;

  /** api: serves HTTP; worker: handles queued events; all: both. Without Redis events are handled in-process. */
  @IsIn(['all', 'api', 'worker'])
  APP_ROLE: 'all' | 'api' | 'worker' = 'all';

  /** Deliveries of an event to a handler before it goes to the dead-letter table. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  EVENT_MAX_ATTEMPTS = 5;

  /** First retry delay; each further retry doubles it (with jitter). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  EVENT_RETRY_BASE_MS = 200;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  EVENT_WORKER_CONCURRENCY = 10;

  /** How often each replica looks for outbox rows that were committed but never dispatched. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  OUTBOX_POLL_INTERVAL_MS = 2000;

  /**
   * How long a dispatcher owns the outbox rows it took (a publisher's rows are its own from their
   * INSERT); after a crash they are taken again once it ends, so events committed just before a
   * crash are delivered by another replica up to this long later. Longer than the slowest
   * in-process delivery (every retry), so it never ends mid-delivery.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  OUTBOX_LEASE_MS = 60_000;

  /**
   * Who takes the money: `stripe`, or `stand-in` (test payment methods, no money moves). Defaults to
   * stripe in production, where the stand-in is refused (validate-environment.ts), and to the stand-in elsewhere.
   */
  @IsOptional()
  @IsIn(PAYMENT_PROVIDERS)
  PAYMENT_PROVIDER?: PaymentProvider;

  /** Stripe's secret API key; required with the stripe provider (so in production). */
  @ValidateIf(
    (env: EnvironmentSchema) =>
      env.PAYMENT_PROVIDER === 'stripe' ||
      (env.PAYMENT_PROVIDER === undefined && env.NODE_ENV === NodeEnvironment.Production),
  )
  @Matches(STRIPE_SECRET_KEY, { message: 'must be a Stripe secret key (sk_live_…, sk_test_… or rk_…)' })
  @IsString({ message: 'is required with PAYMENT_PROVIDER=stripe (and in production)' })
  STRIPE_SECRET_KEY?: string;

  /** Where the Stripe API is (e.g. a local emulator in tests); unset means Stripe itself. */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s/:]+(:\d+)?\/?$/, { message: 'must be an http(s) base URL without a path' })
  STRIPE_API_URL?: string;

  /** ISO currency of every charge, lower case (the catalogue's prices are in it). */
  @Matches(/^[a-z]{3}$/, { message: 'must be a three-letter ISO currency code in lower case' })
  PAYMENT_CURRENCY = 'usd';

  /** A charge that takes longer is abandoned (and may be retried). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  PAYMENT_TIMEOUT_MS = 2000;

  /** Retries of a charge after a transient failure (declines are never retried). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  PAYMENT_RETRIES = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  PAYMENT_RETRY_BASE_MS = 100;

  /** Consecutive failed charges that open the circuit (later charges then fail fast). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  PAYMENT_BREAKER_THRESHOLD = 5;

  /** How long the circuit stays open before one trial charge is let through. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  PAYMENT_BREAKER_HALF_OPEN_MS = 10_000;

  @ValidateIf((env: EnvironmentSchema) => env.NODE_ENV === NodeEnvironment.Production)
  @MinLength(32, { message: 'must be at least 32 bytes' })
  @IsString({ message: 'is required in production' })
  JWT_SECRET?: string;

  @IsString()
  @MaxLength(200)
  JWT_ISSUER = 'commerce-api';

  @IsString()
  @MaxLength(200)
  JWT_AUDIENCE = 'commerce-clients';

  @Type(() => Number)
  @IsInt()
  @Min(30)
  @Max(86_400)
  JWT_ACCESS_TTL_SECONDS = 900;

  /** Refresh tokens live longer than access tokens (checked in validate-environment.ts). */
  @Type(() => Number)
  @IsInt()
  @Min(60)
  @Max(7_776_000)
  JWT_REFRESH_TTL_SECONDS = 1_209_600;

  /** Absolute session lifetime: refreshing never keeps a sign-in alive past this (30 days). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(31_536_000)
  JWT_SESSION_MAX_SECONDS = 2_592_000;

  /** `<id>:<base64 of 32 bytes>` pairs, comma-separated; parsed and checked in validate-environment.ts. */
  @ValidateIf((env: EnvironmentSchema) => env.NODE_ENV === NodeEnvironment.Production)
  @IsString({ message: 'is required in production' })
  FIELD_ENCRYPTION_KEYS?: string;

  /** The id of the key new values are encrypted with; optional when the ring holds one key. */
  @IsOptional()
  @Matches(KEY_ID, { message: 'must be a key id of 1-16 characters A-Z a-z 0-9 _ -' })
  FIELD_ENCRYPTION_ACTIVE_KEY?: string;

  /** Browser origins allowed to call the API with credentials (cookies), exact, comma-separated. */
  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  /** Origins allowed without credentials, `*` standing for one host label or a port, comma-separated. */
  @IsOptional()
  @IsString()
  CORS_ORIGIN_PATTERNS?: string;
}
