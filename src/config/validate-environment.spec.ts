import 'reflect-metadata';

import { randomBytes } from 'node:crypto';

import { DEVELOPMENT_CORS_ORIGIN_PATTERNS } from './cors-origins';
import { DEVELOPMENT_FIELD_ENCRYPTION_KEYS, DEVELOPMENT_JWT_SECRET, NodeEnvironment } from './environment';
import { ConfigValidationError, validateEnvironment } from './validate-environment';

const PRODUCTION_SECRET = 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht';
const STRIPE_KEY = 'sk_live_validatedkey01';
const KEY_A = randomBytes(32).toString('base64');
const KEY_B = randomBytes(32).toString('base64');
/** What production needs besides the variables a case is about. */
const PRODUCTION = {
  NODE_ENV: 'production',
  STRIPE_SECRET_KEY: STRIPE_KEY,
  JWT_SECRET: PRODUCTION_SECRET,
  FIELD_ENCRYPTION_KEYS: `a:${KEY_A}`,
  METRICS_PUBLIC: 'true',
};

/** The message of the ConfigValidationError thrown for `raw`; fails the test when nothing is thrown. */
function validationMessage(raw: Record<string, string | undefined>): string {
  try {
    validateEnvironment(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigValidationError);
    return (error as ConfigValidationError).message;
  }
  throw new Error('expected validateEnvironment to throw');
}

describe(validateEnvironment.name, () => {
  const sut = validateEnvironment;

  describe('defaults', () => {
    it('applies every default to an empty environment', () => {
      const env = sut({});

      expect(env).toMatchObject({
        NODE_ENV: NodeEnvironment.Development,
        HOST: '0.0.0.0',
        PORT: 3000,
        BODY_LIMIT: '100kb',
        TRUST_PROXY: 'false',
        SHUTDOWN_DRAIN_MS: 0,
        LOG_LEVEL: 'info',
        DATABASE_POOL_SIZE: 10,
        DATABASE_CONNECT_TIMEOUT_MS: 3000,
        DATABASE_STATEMENT_TIMEOUT_MS: 10000,
        DATABASE_MIGRATIONS_RUN: true,
        EMBEDDED_DB_DIR: '.data/pglite',
        REDIS_KEY_PREFIX: 'commerce:',
        REDIS_COMMAND_TIMEOUT_MS: 500,
        CACHE_DEFAULT_TTL_MS: 60_000,
        JWT_SECRET: DEVELOPMENT_JWT_SECRET,
        JWT_ISSUER: 'commerce-api',
        JWT_AUDIENCE: 'commerce-clients',
        JWT_ACCESS_TTL_SECONDS: 900,
      });
      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.REDIS_URL).toBeUndefined();
    });

    it('converts numeric variables to numbers', () => {
      const env = sut({ PORT: '8080', DATABASE_POOL_SIZE: '25', JWT_ACCESS_TTL_SECONDS: '60' });

      expect(env.PORT).toBe(8080);
      expect(env.DATABASE_POOL_SIZE).toBe(25);
      expect(env.JWT_ACCESS_TTL_SECONDS).toBe(60);
    });

    // Same root cause as the JWT_SECRET case below: `PORT=` becomes Number('') === 0, a random port.
    it('treats an empty PORT as not set', () => {
      expect(sut({ PORT: '' }).PORT).toBe(3000);
    });

    it('ignores variables the schema does not declare', () => {
      const env = sut({ PATH: '/usr/bin', HOME: '/root', PORT: '4000' });

      expect(env).not.toHaveProperty('PATH');
      expect(env).not.toHaveProperty('HOME');
      expect(env.PORT).toBe(4000);
    });

    it('treats an empty DATABASE_URL or REDIS_URL as not set', () => {
      const env = sut({ DATABASE_URL: '', REDIS_URL: '  ' });

      expect(env.DATABASE_URL).toBeUndefined();
      expect(env.REDIS_URL).toBeUndefined();
      expect(env.CACHE_BACKEND).toBe('memory');
    });
  });

  describe('error messages', () => {
    it('names PORT and the bad value on a single line', () => {
      const message = validationMessage({ PORT: 'abc' });

      expect(message).toContain('PORT');
      expect(message).toContain('"abc"');
      expect(message).not.toContain('\n');
    });

    it.each(['-1', '65536', '80.5'])('rejects PORT=%s', (port) => {
      expect(validationMessage({ PORT: port })).toMatch(/PORT must be an integer between 0 and 65535/);
    });

    it('says a number is expected when the value is not one, rather than quoting a bound', () => {
      expect(validationMessage({ JWT_ACCESS_TTL_SECONDS: 'abc' })).toBe(
        'Invalid configuration: JWT_ACCESS_TTL_SECONDS must be an integer number (got "abc")',
      );
    });

    it('names every offending variable in one line', () => {
      const message = validationMessage({ PORT: 'abc', LOG_LEVEL: 'loud' });

      expect(message).toContain('PORT');
      expect(message).toContain('LOG_LEVEL');
      expect(message).not.toContain('\n');
    });

    it('names DATABASE_URL without echoing its value', () => {
      const url = 'mysql://admin:hunter2@db.internal/commerce';

      const message = validationMessage({ DATABASE_URL: url });

      expect(message).toContain('DATABASE_URL');
      expect(message).not.toContain(url);
      expect(message).not.toContain('hunter2');
    });

    it('rejects a postgres URL without a database name', () => {
      expect(validationMessage({ DATABASE_URL: 'postgres://localhost:5432' })).toContain('DATABASE_URL');
    });

    it('accepts a postgres URL with credentials, port and options', () => {
      const url = 'postgresql://user:pw@db:5432/commerce?sslmode=require';

      expect(sut({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    });

    it('rejects a REDIS_URL of another scheme without echoing it', () => {
      const message = validationMessage({ REDIS_URL: 'http://cache:6379' });

      expect(message).toContain('REDIS_URL');
      expect(message).not.toContain('http://cache:6379');
    });
  });

  describe('JWT_SECRET in production', () => {
    it('is required', () => {
      expect(validationMessage({ NODE_ENV: 'production', STRIPE_SECRET_KEY: STRIPE_KEY })).toMatch(
        /^Invalid configuration: JWT_SECRET /,
      );
    });

    // Bug: describe() shows only the first constraint, and class-validator lists @MinLength (the
    // lower decorator) before @IsString, so a missing secret reads "must be at least 32 bytes".
    it('says a missing secret is required', () => {
      expect(validationMessage({ NODE_ENV: 'production', STRIPE_SECRET_KEY: STRIPE_KEY })).toMatch(
        /JWT_SECRET is required in production/,
      );
    });

    it('must be at least 32 characters, and is never echoed', () => {
      const shortSecret = 's'.repeat(31);

      const message = validationMessage({
        NODE_ENV: 'production',
        STRIPE_SECRET_KEY: STRIPE_KEY,
        JWT_SECRET: shortSecret,
      });

      expect(message).toMatch(/JWT_SECRET must be at least 32/);
      expect(message).not.toContain(shortSecret);
    });

    it('must not be the development default', () => {
      const message = validationMessage({ ...PRODUCTION, JWT_SECRET: DEVELOPMENT_JWT_SECRET });

      expect(message).toMatch(/JWT_SECRET must not be the development default/);
    });

    it('is accepted when long enough', () => {
      const env = sut(PRODUCTION);

      expect(env.JWT_SECRET).toBe(PRODUCTION_SECRET);
    });

    it.each([
      ['one repeated character', 'p'.repeat(48)],
      ['a short pattern repeated', 'abc123'.repeat(8)],
    ])('is refused when predictable (%s), however long', (_label, secret) => {
      expect(validationMessage({ ...PRODUCTION, JWT_SECRET: secret })).toMatch(/JWT_SECRET is too predictable/);
    });

    it('falls back to the development default outside production', () => {
      expect(sut({ NODE_ENV: 'test' }).JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
    });

    it('accepts a short secret outside production', () => {
      expect(sut({ NODE_ENV: 'development', JWT_SECRET: 'short' }).JWT_SECRET).toBe('short');
    });

    // Bug: only the URL variables go through emptyToUndefined, so `JWT_SECRET=` in a .env file
    // yields an empty signing key in development (token signing then fails at the first login).
    it('treats an empty JWT_SECRET outside production as not set', () => {
      expect(sut({ NODE_ENV: 'development', JWT_SECRET: '' }).JWT_SECRET).toBe(DEVELOPMENT_JWT_SECRET);
    });
  });

  describe('booleans', () => {
    it.each([
      ['false', false],
      ['0', false],
      ['no', false],
      ['true', true],
      ['1', true],
      [' TRUE ', true],
    ])('parses DATABASE_MIGRATIONS_RUN=%p as %p', (raw, expected) => {
      expect(sut({ DATABASE_MIGRATIONS_RUN: raw }).DATABASE_MIGRATIONS_RUN).toBe(expected);
    });

    it('parses SEED_DEMO_DATA=false even when the derived default would be true', () => {
      expect(sut({ SEED_DEMO_DATA: 'false' }).SEED_DEMO_DATA).toBe(false);
    });

    it.each(['maybe', 'on', '2'])('rejects the junk boolean %p', (raw) => {
      const message = validationMessage({ DATABASE_MIGRATIONS_RUN: raw });

      expect(message).toMatch(/DATABASE_MIGRATIONS_RUN must be true or false/);
    });
  });

  describe('derived defaults', () => {
    it('seeds demo data without DATABASE_URL outside production', () => {
      expect(sut({ NODE_ENV: 'development' }).SEED_DEMO_DATA).toBe(true);
      expect(sut({ NODE_ENV: 'test' }).SEED_DEMO_DATA).toBe(true);
    });

    it('does not seed demo data when DATABASE_URL is set', () => {
      expect(sut({ DATABASE_URL: 'postgres://localhost:5432/commerce' }).SEED_DEMO_DATA).toBe(false);
    });

    it('does not seed demo data in production', () => {
      expect(sut(PRODUCTION).SEED_DEMO_DATA).toBe(false);
    });

    it('keeps an explicit SEED_DEMO_DATA=true in production', () => {
      const env = sut({ ...PRODUCTION, SEED_DEMO_DATA: 'true' });

      expect(env.SEED_DEMO_DATA).toBe(true);
    });

    it.each([
      ['development', 100],
      ['test', 10],
      ['production', 10],
    ])('defaults the credential-endpoint limits in %s to %d', (nodeEnv, limit) => {
      const env = sut({ ...PRODUCTION, NODE_ENV: nodeEnv });

      expect(env.RATE_LIMIT_AUTH_LIMIT).toBe(limit);
      expect(env.RATE_LIMIT_ACCOUNT_LIMIT).toBe(limit);
    });

    it('keeps explicit credential-endpoint limits, in development too', () => {
      const env = sut({ NODE_ENV: 'development', RATE_LIMIT_AUTH_LIMIT: '5', RATE_LIMIT_ACCOUNT_LIMIT: '3' });

      expect(env.RATE_LIMIT_AUTH_LIMIT).toBe(5);
      expect(env.RATE_LIMIT_ACCOUNT_LIMIT).toBe(3);
    });

    it.each([
      ['development', 'pretty'],
      ['test', 'json'],
      ['production', 'json'],
    ])('defaults LOG_FORMAT in %s to %s', (nodeEnv, format) => {
      expect(sut({ ...PRODUCTION, NODE_ENV: nodeEnv }).LOG_FORMAT).toBe(format);
    });

    it('keeps an explicit LOG_FORMAT', () => {
      expect(sut({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).LOG_FORMAT).toBe('json');
    });

    it('rejects an unknown LOG_FORMAT', () => {
      expect(validationMessage({ LOG_FORMAT: 'xml' })).toContain('LOG_FORMAT');
    });

    it('uses the redis cache when REDIS_URL is set, memory otherwise', () => {
      expect(sut({ REDIS_URL: 'redis://localhost:6379' }).CACHE_BACKEND).toBe('redis');
      expect(sut({}).CACHE_BACKEND).toBe('memory');
    });

    it('keeps an explicit CACHE_BACKEND', () => {
      expect(sut({ REDIS_URL: 'redis://localhost:6379', CACHE_BACKEND: 'none' }).CACHE_BACKEND).toBe('none');
    });

    it('rejects an unknown NODE_ENV', () => {
      expect(validationMessage({ NODE_ENV: 'staging' })).toContain('NODE_ENV');
    });
  });

  describe('APP_ROLE', () => {
    it('defaults to all, which needs no Redis', () => {
      expect(sut({}).APP_ROLE).toBe('all');
    });

    it.each(['api', 'worker'])('accepts %s with REDIS_URL', (role) => {
      expect(sut({ APP_ROLE: role, REDIS_URL: 'redis://localhost:6379' }).APP_ROLE).toBe(role);
    });

    it.each(['api', 'worker'])('refuses %s without REDIS_URL, naming both variables', (role) => {
      expect(validationMessage({ APP_ROLE: role })).toBe(
        `Invalid configuration: APP_ROLE=${role} needs REDIS_URL (the split into api and worker processes runs through the Redis queue)`,
      );
    });

    it('rejects an unknown role', () => {
      expect(validationMessage({ APP_ROLE: 'cron' })).toMatch(/^Invalid configuration: APP_ROLE /);
    });
  });

  describe('JWT_REFRESH_TTL_SECONDS', () => {
    it('defaults to 14 days', () => {
      expect(sut({}).JWT_REFRESH_TTL_SECONDS).toBe(1_209_600);
    });

    it('may not be shorter than the access-token lifetime', () => {
      expect(validationMessage({ JWT_ACCESS_TTL_SECONDS: '900', JWT_REFRESH_TTL_SECONDS: '600' })).toMatch(
        /JWT_REFRESH_TTL_SECONDS must not be shorter than JWT_ACCESS_TTL_SECONDS/,
      );
    });
  });

  describe('FIELD_ENCRYPTION_KEYS', () => {
    it('falls back to the development key ring outside production', () => {
      const env = sut({});

      expect([...env.FIELD_ENCRYPTION_KEYS.keys()]).toEqual(['dev']);
      expect(env.FIELD_ENCRYPTION_ACTIVE_KEY).toBe('dev');
    });

    it('is required in production', () => {
      expect(
        validationMessage({ NODE_ENV: 'production', STRIPE_SECRET_KEY: STRIPE_KEY, JWT_SECRET: PRODUCTION_SECRET }),
      ).toMatch(/FIELD_ENCRYPTION_KEYS is required in production/);
    });

    it('may not hold the development key in production, whatever its id', () => {
      const devKey = DEVELOPMENT_FIELD_ENCRYPTION_KEYS.split(':')[1];

      expect(validationMessage({ ...PRODUCTION, FIELD_ENCRYPTION_KEYS: `a:${KEY_A},old:${devKey}` })).toMatch(
        /FIELD_ENCRYPTION_KEYS must not contain the development key in production/,
      );
    });

    it('takes the only key as the active one', () => {
      expect(sut({ FIELD_ENCRYPTION_KEYS: `k1:${KEY_A}` }).FIELD_ENCRYPTION_ACTIVE_KEY).toBe('k1');
    });

    it('needs the active key named when the ring holds several', () => {
      expect(validationMessage({ FIELD_ENCRYPTION_KEYS: `k1:${KEY_A},k2:${KEY_B}` })).toMatch(
        /FIELD_ENCRYPTION_ACTIVE_KEY is required when FIELD_ENCRYPTION_KEYS holds several keys/,
      );
      expect(
        sut({ FIELD_ENCRYPTION_KEYS: `k1:${KEY_A},k2:${KEY_B}`, FIELD_ENCRYPTION_ACTIVE_KEY: 'k2' })
          .FIELD_ENCRYPTION_ACTIVE_KEY,
      ).toBe('k2');
    });

    it.each([
      ['a key of the wrong length', `k1:${randomBytes(16).toString('base64')}`, /key "k1" must be 32 bytes/],
      ['an entry without an id', KEY_A, /must be a comma-separated list/],
      ['a repeated id', `k1:${KEY_A},k1:${KEY_B}`, /names the key "k1" twice/],
    ])('rejects %s without echoing any key', (_label, raw, message) => {
      const text = validationMessage({ FIELD_ENCRYPTION_KEYS: raw });

      expect(text).toMatch(message);
      expect(text).not.toContain(KEY_A);
      expect(text).not.toContain(KEY_B);
    });

    it('rejects an active key that is not in the ring', () => {
      expect(validationMessage({ FIELD_ENCRYPTION_KEYS: `k1:${KEY_A}`, FIELD_ENCRYPTION_ACTIVE_KEY: 'k2' })).toMatch(
        /FIELD_ENCRYPTION_ACTIVE_KEY names the key "k2"/,
      );
    });
  });

  describe('CORS', () => {
    it('allows local front-ends by pattern in development only', () => {
      expect(sut({ NODE_ENV: 'development' }).CORS_ORIGIN_PATTERNS).toEqual(
        DEVELOPMENT_CORS_ORIGIN_PATTERNS.split(','),
      );
      expect(sut({ NODE_ENV: 'test' }).CORS_ORIGIN_PATTERNS).toEqual([]);
      expect(sut(PRODUCTION).CORS_ORIGINS).toEqual([]);
    });

    it('accepts exact origins and patterns', () => {
      const env = sut({
        CORS_ORIGINS: 'https://shop.example.com, https://admin.example.com:8443',
        CORS_ORIGIN_PATTERNS: 'https://*.preview.example.com',
      });

      expect(env.CORS_ORIGINS).toEqual(['https://shop.example.com', 'https://admin.example.com:8443']);
      expect(env.CORS_ORIGIN_PATTERNS).toEqual(['https://*.preview.example.com']);
    });

    it.each([
      ['CORS_ORIGINS', 'https://shop.example.com/path'],
      ['CORS_ORIGINS', '*'],
      ['CORS_ORIGINS', 'https://*.example.com'],
      ['CORS_ORIGIN_PATTERNS', 'https://*.com'],
      ['CORS_ORIGIN_PATTERNS', 'https://*'],
      ['CORS_ORIGIN_PATTERNS', 'ftp://*.example.com'],
    ])('rejects %s=%s', (variable, value) => {
      expect(validationMessage({ [variable]: value })).toContain(variable);
    });
  });
  describe('payment provider', () => {
    it('uses the stand-in outside production and needs no Stripe key for it', () => {
      expect(sut({}).PAYMENT_PROVIDER).toBe('stand-in');
      expect(sut({ NODE_ENV: 'test' }).STRIPE_SECRET_KEY).toBeUndefined();
    });

    it('defaults to stripe in production, which then needs the key', () => {
      expect(sut(PRODUCTION).PAYMENT_PROVIDER).toBe('stripe');
      const { STRIPE_SECRET_KEY: _key, ...withoutKey } = PRODUCTION;
      expect(validationMessage(withoutKey)).toBe(
        'Invalid configuration: STRIPE_SECRET_KEY is required with PAYMENT_PROVIDER=stripe (and in production)',
      );
    });

    it('refuses the stand-in in production, key or not', () => {
      expect(validationMessage({ ...PRODUCTION, PAYMENT_PROVIDER: 'stand-in' })).toMatch(
        /^Invalid configuration: PAYMENT_PROVIDER must be stripe in production/,
      );
    });

    it('needs a key for stripe in any environment, and refuses a publishable key without echoing it', () => {
      expect(validationMessage({ PAYMENT_PROVIDER: 'stripe' })).toMatch(/STRIPE_SECRET_KEY is required/);
      const message = validationMessage({ PAYMENT_PROVIDER: 'stripe', STRIPE_SECRET_KEY: 'pk_live_abcdefgh123' });
      expect(message).toMatch(/STRIPE_SECRET_KEY must be a Stripe secret key/);
      expect(message).not.toContain('pk_live_abcdefgh123');
    });

    it('takes STRIPE_API_URL as a base URL only', () => {
      expect(sut({ STRIPE_API_URL: 'http://127.0.0.1:12111' }).STRIPE_API_URL).toBe('http://127.0.0.1:12111');
      expect(validationMessage({ STRIPE_API_URL: 'http://127.0.0.1:12111/v1' })).toMatch(/STRIPE_API_URL must be/);
    });

    it('takes a lower-case three-letter currency', () => {
      expect(sut({}).PAYMENT_CURRENCY).toBe('usd');
      expect(validationMessage({ PAYMENT_CURRENCY: 'EUR' })).toMatch(/PAYMENT_CURRENCY must be/);
    });
  });

  describe('/metrics in production', () => {
    it('is refused open unless METRICS_PUBLIC=true says so', () => {
      const { METRICS_PUBLIC: _optIn, ...withoutOptIn } = PRODUCTION;

      expect(validationMessage(withoutOptIn)).toMatch(
        /production needs METRICS_BEARER_TOKEN .* or METRICS_PUBLIC=true/,
      );
      expect(sut(PRODUCTION).METRICS_PUBLIC).toBe(true);
    });

    it('may be guarded by a token instead', () => {
      const { METRICS_PUBLIC: _optIn, ...withoutOptIn } = PRODUCTION;

      expect(sut({ ...withoutOptIn, METRICS_BEARER_TOKEN: 'scrape-token-0123456789' }).METRICS_PUBLIC).toBe(false);
    });
  });
});
