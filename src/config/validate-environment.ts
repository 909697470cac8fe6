import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { DEVELOPMENT_CORS_ORIGIN_PATTERNS, parseOriginPatterns, parseOrigins } from './cors-origins';
import {
  CREDENTIAL_LIMITS,
  DEVELOPMENT_FIELD_ENCRYPTION_KEYS,
  DEVELOPMENT_JWT_SECRET,
  EnvironmentSchema,
  NodeEnvironment,
  type PaymentProvider,
} from './environment';
import { parseFieldEncryptionKeys, resolveActiveKeyId } from './field-encryption-keys';

/** Raised for a bad environment; its message is one line that names every offending variable. */
export class ConfigValidationError extends Error {
  override readonly name = 'ConfigValidationError';
}

/**
 * The validated environment, with every default (including the derived ones) applied and the
 * list-valued variables (CORS origins, the field-encryption key ring) parsed once, here.
 */
export type Environment = ReturnType<typeof applyDerivedDefaults>;

/** The development key ring's keys, which production must not use under any id. */
const DEVELOPMENT_KEYS = [...parseFieldEncryptionKeys(DEVELOPMENT_FIELD_ENCRYPTION_KEYS).values()];

/**
 * Validates raw variables (usually `process.env`) and returns the typed environment with
 * defaults applied. Throws ConfigValidationError; the caller decides how to exit.
 */
export function validateEnvironment(raw: Record<string, string | undefined>): Environment {
  // whitelist drops every variable the schema does not declare (PATH, HOME, ...).
  const parsed = plainToInstance(EnvironmentSchema, withoutEmptyValues(raw));
  const errors = validateSync(parsed, { whitelist: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new ConfigValidationError(`Invalid configuration: ${errors.map((e) => describe(e, raw)).join('; ')}`);
  }
  return applyDerivedDefaults(parsed);
}

/** `PORT=` in a .env file means "not set" (the default applies), not "set to nothing". */
function withoutEmptyValues(raw: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(raw).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1].trim() !== ''),
  );
}

function describe(error: ValidationError, raw: Record<string, string | undefined>): string {
  // A value of the wrong kind ("abc" for a number) fails its bounds too; the kind check (isInt,
  // isBoolean, ...) says what is wrong, where "must not be greater than 86400" would mislead.
  const byKindFirst = Object.entries(error.constraints ?? {}).sort(
    ([a], [b]) => Number(!a.startsWith('is')) - Number(!b.startsWith('is')),
  );
  const reasons = byKindFirst.map(([, m]) => m.replace(`${error.property} `, ''));
  const given = raw[error.property];
  const shown = given === undefined || /SECRET|URL|KEY/.test(error.property) ? '' : ` (got "${given}")`;
  return `${error.property} ${reasons[0] ?? 'is invalid'}${shown}`;
}

// The return type is inferred on purpose: it is the Environment type, so each variable is declared
// once (in EnvironmentSchema) and only the derived ones are restated here, by their values.
function applyDerivedDefaults(env: EnvironmentSchema) {
  const production = env.NODE_ENV === NodeEnvironment.Production;
  if (production && env.JWT_SECRET === DEVELOPMENT_JWT_SECRET) {
    throw new ConfigValidationError(
      'Invalid configuration: JWT_SECRET must not be the development default in production',
    );
  }
  if (production) refuseWeakProductionSecrets(env);
  if (env.APP_ROLE !== 'all' && !env.REDIS_URL) {
    // Without Redis there is no queue: events are handled by the process that publishes them, so
    // an api process would handle them after all and a worker would have nothing to do.
    throw new ConfigValidationError(
      `Invalid configuration: APP_ROLE=${env.APP_ROLE} needs REDIS_URL (the split into api and worker processes runs through the Redis queue)`,
    );
  }
  if (env.JWT_REFRESH_TTL_SECONDS < env.JWT_ACCESS_TTL_SECONDS) {
    throw new ConfigValidationError(
      'Invalid configuration: JWT_REFRESH_TTL_SECONDS must not be shorter than JWT_ACCESS_TTL_SECONDS',
    );
  }
  return {
    ...env,
    JWT_SECRET: env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    PAYMENT_PROVIDER: paymentProvider(env, production),
    SEED_DEMO_DATA: env.SEED_DEMO_DATA ?? (!production && env.DATABASE_URL === undefined),
    LOG_FORMAT: env.LOG_FORMAT ?? (env.NODE_ENV === NodeEnvironment.Development ? 'pretty' : 'json'),
    CACHE_BACKEND: env.CACHE_BACKEND ?? (env.REDIS_URL ? 'redis' : 'memory'),
    ...credentialLimits(env),
    ...fieldEncryptionSettings(env, production),
    ...corsSettings(env),
  };
}

/** Production takes real money: the stand-in (which accepts made-up tokens) is refused there. */
function paymentProvider(env: EnvironmentSchema, production: boolean): PaymentProvider {
  const provider = env.PAYMENT_PROVIDER ?? (production ? 'stripe' : 'stand-in');
  if (production && provider === 'stand-in') {
    throw new ConfigValidationError(
      'Invalid configuration: PAYMENT_PROVIDER must be stripe in production (the stand-in takes no money)',
    );
  }
  return provider;
}

/** Fewer distinct characters than this in 32+ is a pattern, not a random secret (base64 of 32 random bytes has ~30). */
const MIN_DISTINCT_SECRET_CHARACTERS = 12;

/**
 * A long secret can still be guessable ("aaaa…", "abcabc…"); and an open /metrics in production
 * must be a decision, not an omission.
 */
function refuseWeakProductionSecrets(env: EnvironmentSchema): void {
  if (env.JWT_SECRET !== undefined && new Set(env.JWT_SECRET).size < MIN_DISTINCT_SECRET_CHARACTERS) {
    throw new ConfigValidationError(
      `Invalid configuration: JWT_SECRET is too predictable (fewer than ${MIN_DISTINCT_SECRET_CHARACTERS} distinct characters); use e.g. openssl rand -base64 48`,
    );
  }
  if (env.METRICS_BEARER_TOKEN === undefined && !env.METRICS_PUBLIC) {
    throw new ConfigValidationError(
      'Invalid configuration: production needs METRICS_BEARER_TOKEN for /metrics, or METRICS_PUBLIC=true to serve it open',
    );
  }
}

function credentialLimits(env: EnvironmentSchema) {
  const defaults = CREDENTIAL_LIMITS[env.NODE_ENV === NodeEnvironment.Development ? 'development' : 'strict'];
  return {
    RATE_LIMIT_AUTH_LIMIT: env.RATE_LIMIT_AUTH_LIMIT ?? defaults.auth,
    RATE_LIMIT_ACCOUNT_LIMIT: env.RATE_LIMIT_ACCOUNT_LIMIT ?? defaults.account,
  };
}

/** The key ring must parse, hold the active key, and (in production) be a real one. */
function fieldEncryptionSettings(env: EnvironmentSchema, production: boolean) {
  const raw = env.FIELD_ENCRYPTION_KEYS ?? DEVELOPMENT_FIELD_ENCRYPTION_KEYS;
  const keys = derived('FIELD_ENCRYPTION_KEYS', () => parseFieldEncryptionKeys(raw));
  if (production && [...keys.values()].some((key) => DEVELOPMENT_KEYS.some((dev) => dev.equals(key)))) {
    throw new ConfigValidationError(
      'Invalid configuration: FIELD_ENCRYPTION_KEYS must not contain the development key in production',
    );
  }
  const active = derived('FIELD_ENCRYPTION_ACTIVE_KEY', () =>
    resolveActiveKeyId(keys, env.FIELD_ENCRYPTION_ACTIVE_KEY),
  );
  return { FIELD_ENCRYPTION_KEYS: keys, FIELD_ENCRYPTION_ACTIVE_KEY: active };
}

function corsSettings(env: EnvironmentSchema) {
  const patterns =
    env.CORS_ORIGIN_PATTERNS ?? (env.NODE_ENV === NodeEnvironment.Development ? DEVELOPMENT_CORS_ORIGIN_PATTERNS : '');
  return {
    CORS_ORIGINS: derived('CORS_ORIGINS', (): readonly string[] => parseOrigins(env.CORS_ORIGINS ?? '')),
    CORS_ORIGIN_PATTERNS: derived('CORS_ORIGIN_PATTERNS', (): readonly string[] => parseOriginPatterns(patterns)),
  };
}

/** Runs a parser of one variable, turning its error into the one-line configuration message. */
function derived<T>(variable: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new ConfigValidationError(`Invalid configuration: ${variable} ${(error as Error).message}`);
  }
}
