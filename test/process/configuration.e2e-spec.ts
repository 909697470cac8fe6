import { once } from 'node:events';
import { createServer } from 'node:net';

import { freePort, spawnApp } from '../support/app-process';

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
      'a non-numeric JWT_ACCESS_TTL_SECONDS',
      { JWT_ACCESS_TTL_SECONDS: 'abc' },
      /^Invalid configuration: JWT_ACCESS_TTL_SECONDS must be an integer number \(got "abc"\)$/,
    ],
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

/**
 * A start that fails once the configuration is valid (a dependency missing, the port taken) says
 * why in one line, plus the cause when there is one, and exits 1: none of Nest's held-back module
 * lines, connection retries or stack traces.
 */
describe('Start-up failures', () => {
  it('names the database it cannot reach, with the driver error as the cause', async () => {
    const app = await spawnApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unreachable' });

    expect(await app.exited).toBe(1);
    expect(app.output().trimEnd().split('\n')).toEqual([
      'Start failed: cannot connect to the database at 127.0.0.1:1',
      '  cause: connect ECONNREFUSED 127.0.0.1:1',
    ]);
  });

  it('says the port is taken, once', async () => {
    const port = await freePort();
    const holder = createServer().listen(port, '127.0.0.1');
    await once(holder, 'listening');
    try {
      const app = await spawnApp({ PORT: String(port), EMBEDDED_DB_DIR: 'memory' });

      expect(await app.exited).toBe(1);
      expect(app.output().trimEnd().split('\n')).toEqual([
        `Start failed: listen EADDRINUSE: address already in use 127.0.0.1:${port}`,
      ]);
    } finally {
      holder.close();
    }
  });
});
