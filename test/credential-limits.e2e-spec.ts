import { createTestApp, type TestApp } from './support/test-app';
import { type RegisteredUser, registerUser } from './support/users';

const PER_IP = 4;
const PER_ACCOUNT = 3;

let lastClient = 0;
/** A fresh client address (X-Forwarded-For behind a simulated trusted proxy). */
const newClient = () => {
  lastClient += 1;
  return { 'X-Forwarded-For': `198.51.${Math.floor(lastClient / 250)}.${lastClient % 250}` };
};

describe('Brute-force limits on the credential endpoints', () => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({
      env: {
        RATE_LIMIT_AUTH_LIMIT: String(PER_IP),
        RATE_LIMIT_ACCOUNT_LIMIT: String(PER_ACCOUNT),
        TRUST_PROXY: 'true',
      },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  const login = (user: Pick<RegisteredUser, 'email' | 'password'>, client = newClient()) =>
    sut.http().post('/api/v1/auth/login').set(client).send({ email: user.email, password: user.password });
  const refresh = (refreshToken: string, client = newClient()) =>
    sut.http().post('/api/v1/auth/refresh').set(client).send({ refreshToken });

  it('caps attempts against one account, whatever the addresses they come from', async () => {
    const victim = await registerUser(sut);
    const guess = { email: victim.email, password: 'Guess-Number-1' };

    for (let i = 0; i < PER_ACCOUNT; i += 1) await login(guess).expect(401);
    const limited = await login(guess).expect(429);

    expect(limited.body.error.code).toBe('RATE_LIMIT_EXCEEDED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // The account is closed for the window, even to the right password; other accounts are not.
    await login(victim).expect(429);
    await login({ ...guess, email: ` ${victim.email.toUpperCase()} ` }).expect(429);
    await login(await registerUser(sut)).expect(200);
  });

  it('caps attempts from one address, whatever the accounts they target', async () => {
    const client = newClient();

    for (let i = 0; i < PER_IP; i += 1) {
      await login({ email: `nobody-${i}@example.com`, password: 'Guess-Number-2' }, client).expect(401);
    }

    await login(await registerUser(sut), client).expect(429);
    await login(await registerUser(sut)).expect(200);
  });

  it('counts login and refresh together per address', async () => {
    const client = newClient();
    const user = await registerUser(sut);
    const session = (await login(user, client).expect(200)).body.data as { refreshToken: string };

    for (let i = 1; i < PER_IP; i += 1) await refresh('not.a.token', client).expect(401);

    await refresh(session.refreshToken, client).expect(429);
  });

  it('caps refreshes of one session across addresses', async () => {
    const user = await registerUser(sut);
    let token = ((await login(user).expect(200)).body.data as { refreshToken: string }).refreshToken;

    for (let i = 0; i < PER_ACCOUNT; i += 1) {
      token = ((await refresh(token).expect(200)).body.data as { refreshToken: string }).refreshToken;
    }

    await refresh(token).expect(429);
    // Another session of the same user has its own allowance.
    const other = ((await login(user).expect(200)).body.data as { refreshToken: string }).refreshToken;
    await refresh(other).expect(200);
  });
});
