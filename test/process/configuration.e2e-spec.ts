import { spawnApp } from '../support/app-process';

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
      { NODE_ENV: 'production', JWT_SECRET: 'too-short', FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=` },
      /^Invalid configuration: JWT_SECRET must be at least 32 bytes$/,
    ],
    [
      'a JWT_SECRET of one repeated character',
      { NODE_ENV: 'production', JWT_SECRET: 'p'.repeat(64), FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=` },
      /^Invalid configuration: JWT_SECRET is too predictable/,
    ],
    [
      'a JWT_SECRET of a short repeated pattern',
      { NODE_ENV: 'production', JWT_SECRET: 'abcd1234'.repeat(6), FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=` },
      /^Invalid configuration: JWT_SECRET is too predictable/,
    ],
    [
      'an open /metrics in production (METRICS_PUBLIC)',
      {
        NODE_ENV: 'production',
        JWT_SECRET: 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht',
        FIELD_ENCRYPTION_KEYS: `k1:${'A'.repeat(43)}=`,
      },
      /^Invalid configuration: production needs METRICS_BEARER_TOKEN for \/metrics, or METRICS_PUBLIC=true/,
    ],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [
      'FIELD_ENCRYPTION_KEYS',
      { NODE_ENV: 'production', JWT_SECRET: 'Qm7vT2xK9pL4wZ8rN3bF6hJ1cY5dS0gA-Ue_Vi+Ro/Ek=Ht' },
      /^Invalid configuration: FIELD_ENCRYPTION_KEYS is required in production$/,
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
