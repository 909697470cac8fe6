import { createTestApp, type TestApp } from './support/test-app';
import { loginAs, type RegisteredUser, registerUser } from './support/users';

/** Credential attempts (login, refresh, register) per address. */
const PER_ADDRESS = 6;
/** Failed logins into one account from one address. */
const PER_ACCOUNT_AND_ADDRESS = 3;
/** Failed logins into one account from everywhere; slowing starts at half. */
const ACCOUNT_CEILING = 6;

let lastClient = 0;
/** A fresh client address (X-Forwarded-For behind a simulated trusted proxy). */
const newClient = () => {
  lastClient += 1;
  return { 'X-Forwarded-For': `198.51.${Math.floor(lastClient / 250)}.${lastClient % 250}` };
};

type Credentials = Pick<RegisteredUser, 'email' | 'password'>;

describe('Brute-force limits on the credential endpoints', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({
      env: {
        RATE_LIMIT_AUTH_LIMIT: String(PER_ADDRESS),
        RATE_LIMIT_ACCOUNT_LIMIT: String(PER_ACCOUNT_AND_ADDRESS),
        RATE_LIMIT_ACCOUNT_CEILING: String(ACCOUNT_CEILING),
        TRUST_PROXY: 'true',
        // Exactness is promised while Redis answers within the deadline; the shared test Redis
        // sometimes does not within the production default, and a late answer is counted per instance.
        REDIS_REQUEST_TIMEOUT_MS: '1000',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  const login = (user: Credentials, client = newClient(), extraHeaders: Record<string, string> = {}) =>
    sut
      .http()
      .post('/api/v1/auth/login')
      .set(client)
      .set(extraHeaders)
      .send({ email: user.email, password: user.password });
  const refresh = (refreshToken: string, client = newClient()) =>
    sut.http().post('/api/v1/auth/refresh').set(client).send({ refreshToken });
  const newUser = () => registerUser(sut, {}, newClient());
  const wrong = (user: Credentials): Credentials => ({ email: user.email, password: 'Guess-Number-1' });

  describe('per account', () => {
    it('refuses an address that keeps failing on an account, but not the owner elsewhere', async () => {
      const victim = await newUser();
      const attacker = newClient();

      for (let i = 0; i < PER_ACCOUNT_AND_ADDRESS; i += 1) await login(wrong(victim), attacker).expect(401);
      const limited = await login(wrong(victim), attacker).expect(429);

      expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // The same account spelled differently is the same account.
      await login({ ...wrong(victim), email: ` ${victim.email.toUpperCase()} ` }, attacker).expect(429);
      // Even the right password from the failing address waits; from the owner's address it works.
      await login(victim, attacker).expect(429);
      await login(victim).expect(200);
    });

    it('counts failures only: a success clears them', async () => {
      const user = await newUser();
      const client = newClient();

      for (let i = 0; i < PER_ACCOUNT_AND_ADDRESS - 1; i += 1) await login(wrong(user), client).expect(401);
      await login(user, client).expect(200);
      for (let i = 0; i < PER_ACCOUNT_AND_ADDRESS - 1; i += 1) await login(wrong(user), client).expect(401);

      await login(user, client).expect(200);
    });

    it('slows a guess spread over many addresses, refuses the failing ones, and still lets the owner in', async () => {
      const victim = await newUser();
      const guessers = Array.from({ length: ACCOUNT_CEILING }, () => newClient());
      const timed = async (run: () => Promise<unknown>) => {
        const started = performance.now();
        await run();
        return performance.now() - started;
      };

      for (const guesser of guessers) await login(wrong(victim), guesser).expect(401);
      // Past the ceiling an address that has failed on the account is refused outright...
      await login(wrong(victim), guessers[0]).expect(429);
      // ...while new addresses still get their attempts, each later than the one before.
      for (let i = 0; i < 10; i += 1) await login(wrong(victim), newClient()).expect(401);
      const other = await newUser();
      const unhurried = await timed(() => login(wrong(other), newClient()).expect(401));
      const slowed = await timed(() => login(wrong(victim), newClient()).expect(401));
      expect(slowed - unhurried).toBeGreaterThanOrEqual(500);

      // The owner, from an address that has not failed, gets in, which clears the account's count.
      await login(victim).expect(200);
      await login(wrong(victim), guessers[0]).expect(401);
    });
  });

  describe('per address', () => {
    it('caps attempts from one address, whatever the accounts they target', async () => {
      const client = newClient();

      for (let i = 0; i < PER_ADDRESS; i += 1) {
        await login({ email: `nobody-${i}@example.com`, password: 'Guess-Number-2' }, client).expect(401);
      }

      await login(await newUser(), client).expect(429);
      await login(await newUser()).expect(200);
    });

    it('is not dodged by adding credentials, keys or cookies to the attempt', async () => {
      const client = newClient();
      const someone = await newUser();
      const validToken = await loginAs(sut, someone, newClient());
      const disguises: Array<Record<string, string>> = [
        { Authorization: `Bearer ${validToken}` },
        { Authorization: 'Bearer forged.token.value' },
        { 'X-API-Key': 'ck_live_forged_key' },
        { Cookie: `access_token=${validToken}; refresh_token=forged` },
        { Authorization: 'Basic YWRtaW46YWRtaW4=' },
        { 'X-Real-IP': '203.0.113.9', Forwarded: 'for=203.0.113.10' },
      ];

      const statuses: number[] = [];
      for (let i = 0; i < PER_ADDRESS + 3; i += 1) {
        const response = await login(
          { email: `target-${i}@example.com`, password: 'Guess' },
          client,
          disguises[i % disguises.length],
        );
        statuses.push(response.status);
      }

      expect(statuses.slice(0, PER_ADDRESS).every((status) => status !== 429)).toBe(true);
      expect(statuses.slice(PER_ADDRESS)).toEqual([429, 429, 429]);
    });

    it('counts login and refresh together', async () => {
      const client = newClient();
      const user = await newUser();
      const session = (await login(user, client).expect(200)).body.data as { refreshToken: string };

      for (let i = 1; i < PER_ADDRESS; i += 1) await refresh('not.a.token', client).expect(401);

      await refresh(session.refreshToken, client).expect(429);
    });

    it('limits registration too', async () => {
      const client = newClient();

      for (let i = 0; i < PER_ADDRESS; i += 1) await registerUser(sut, {}, client);
      const limited = await sut
        .http()
        .post('/api/v1/auth/register')
        .set(client)
        .send({ email: `late-${Date.now()}@example.com`, username: `late_${Date.now()}`, password: 'Correct-Horse-42' })
        .expect(429);

      expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
      expect(limited.headers['x-ratelimit-remaining-auth']).toBe('0');
    });
  });
});
