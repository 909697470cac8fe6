import { spawnApp } from '../support/app-process';

/** Stripe settings that pass validation, for cases about another variable. */
const STRIPE = { STRIPE_SECRET_KEY: 'sk_live_configurationcheck' };
/** Production with every other required secret in place. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht',
  FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`,
  METRICS_PUBLIC: 'true',
};

/** A bad setting stops the process at once with one line naming the variable. */
describe('Start-up configuration errors', () => {
  it.each([
    ['PORT', { PORT: 'abc' }, /^Invalid configuration: PORT must be an integer between 0 and 65535 \(got "abc"\)$/],
    [
      'DATABASE_URL',
      { DATABASE_URL: 'mysql://nope' },
      /^Invalid configuration: DATABASE_URL must be a postgres:\/\/ URL/,
    ],
    [
      'JWT_SECRET',
      { NODE_ENV: 'production', JWT_SECRET: 'too-short', FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`, ...STRIPE },
      /^Invalid configuration: JWT_SECRET must be at least 32 bytes$/,
    ],
    [
      'a JWT_SECRET of one repeated character',
      { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(64), FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`, ...STRIPE },
      /^Invalid configuration: JWT_SECRET is too predictable/,
    ],
    [
      'a JWT_SECRET of a short repeated pattern',
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'abcd1234'.repeat(6),
        FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`,
        ...STRIPE,
      },
      /^Invalid configuration: JWT_SECRET is too predictable/,
    ],
    [
      'an open /metrics in production (METRICS_PUBLIC)',
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht',
        FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`,
        ...STRIPE,
      },
      /^Invalid configuration: production needs METRICS_BEARER_TOKEN for \/metrics, or METRICS_PUBLIC=true/,
    ],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [
      'FIELD_ENCRYPTION_KEYS',
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht',
        METRICS_PUBLIC: 'true',
        ...STRIPE,
      },
      /^Invalid configuration: FIELD_ENCRYPTION_KEYS is required in production$/,
    ],
    [
      'PAYMENT_PROVIDER',
      { ...PRODUCTION, ...STRIPE, PAYMENT_PROVIDER: 'stand-in' },
      /^Invalid configuration: PAYMENT_PROVIDER must be stripe in production/,
    ],
    [
      'STRIPE_SECRET_KEY',
      PRODUCTION,
      /^Invalid configuration: STRIPE_SECRET_KEY is required with PAYMENT_PROVIDER=stripe \(and in production\)$/,
    ],
    [
      'STRIPE_SECRET_KEY',
      { ...PRODUCTION, STRIPE_SECRET_KEY: 'pk_live_publishable0123' },
      /^Invalid configuration: STRIPE_SECRET_KEY must be a Stripe secret key/,
    ],
  ])('exits non-zero with one line naming %s', async (_name, env, message) => {
    const app = await spawnApp(env);

    const code = await app.exited;

    expect(code).not.toBe(0);
    const lines = app.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(message);
  });
});
