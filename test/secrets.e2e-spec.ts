import { randomBytes } from 'node:crypto';

import type { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../src/config';
import { FieldEncryptionService } from '../src/platform/security';
import { LogCapture } from './support/log-capture';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, loginPair, registerUser } from './support/users';

const OLD_KEY = randomBytes(32).toString('base64');
const NEW_KEY = randomBytes(32).toString('base64');

describe('Secrets at rest and in logs', () => {
  const logs = new LogCapture();
  let sut: TestApp;

  beforeAll(async () => {
    sut = await createTestApp({
      logs,
      env: { FIELD_ENCRYPTION_KEYS: `old:${OLD_KEY},new:${NEW_KEY}`, FIELD_ENCRYPTION_ACTIVE_KEY: 'new' },
    });
  });

  afterAll(async () => {
    await sut.close();
  });

  const phoneColumn = async (userId: string) =>
    (await sut.dataSource.query<Array<{ phone: string | null }>>('SELECT phone FROM users WHERE id = $1', [userId]))[0]
      .phone;

  describe('users.phone', () => {
    it('holds ciphertext under the active key; the API shows the number', async () => {
      const user = await registerUser(sut);
      const { accessToken } = await loginPair(sut, user);

      const updated = await sut
        .http()
        .patch('/api/v1/users/me')
        .set(bearer(accessToken))
        .send({ phone: '+14155550123' })
        .expect(200);

      expect(updated.body.data.phone).toBe('+14155550123');
      const stored = await phoneColumn(user.id);
      expect(stored).toMatch(/^enc:v1:new:[A-Za-z0-9_-]+$/);
      expect(stored).not.toContain('4155550123');
      const me = await sut.http().get('/api/v1/users/me').set(bearer(accessToken)).expect(200);
      expect(me.body.data.phone).toBe('+14155550123');
    });

    it('encrypts equal numbers differently (random IV)', async () => {
      const first = await registerUser(sut);
      const second = await registerUser(sut);
      for (const user of [first, second]) {
        const { accessToken } = await loginPair(sut, user);
        await sut
          .http()
          .patch('/api/v1/users/me')
          .set(bearer(accessToken))
          .send({ phone: '+442071838750' })
          .expect(200);
      }

      expect(await phoneColumn(first.id)).not.toBe(await phoneColumn(second.id));
    });

    it('still reads values written under a retired key (rotation)', async () => {
      const user = await registerUser(sut);
      const { accessToken } = await loginPair(sut, user);
      const oldOnly = new FieldEncryptionService({
        getOrThrow: () => ({
          fieldEncryption: { keys: new Map([['old', Buffer.from(OLD_KEY, 'base64')]]), activeKeyId: 'old' },
        }),
      } as unknown as ConfigService<AllConfig, true>);
      await sut.dataSource.query('UPDATE users SET phone = $2 WHERE id = $1', [
        user.id,
        oldOnly.encrypt('+33142685300', 'users.phone'),
      ]);

      const me = await sut.http().get('/api/v1/users/me').set(bearer(accessToken)).expect(200);

      expect(me.body.data.phone).toBe('+33142685300');
    });

    it('does not decrypt a value moved into the column from another context', async () => {
      const service = sut.app.get(FieldEncryptionService);

      expect(() => service.decrypt(service.encrypt('+33142685300', 'orders.notes'), 'users.phone')).toThrow();
    });
  });

  it('never writes passwords, tokens, refresh tokens, API-key secrets, CSRF tokens or phone numbers to the logs', async () => {
    const user = await registerUser(sut, { password: 'Logged-Nowhere-42' });
    const pair = await loginPair(sut, user);
    await sut
      .http()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'Wrong-But-Secret-77' })
      .expect(401);
    const rotated = await sut.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200);
    const key = await sut
      .http()
      .post('/api/v1/auth/api-keys')
      .set(bearer(rotated.body.data.accessToken))
      .send({ name: 'logged?', permissions: ['products:read', 'profile:read'] })
      .expect(201);
    await sut.http().get('/api/v1/users/me').set('X-API-Key', key.body.data.apiKey).expect(200);
    await sut.http().get('/api/v1/users').set('X-API-Key', key.body.data.apiKey).expect(403);
    await sut
      .http()
      .patch('/api/v1/users/me')
      .set(bearer(rotated.body.data.accessToken))
      .send({ phone: '+14155550199', password: 'Changed-Secret-88', currentPassword: 'Logged-Nowhere-42' })
      .expect(200);
    const cookie = await sut
      .http()
      .post('/api/v1/auth/login?mode=cookie')
      .send({ email: user.email, password: 'Changed-Secret-88' })
      .expect(200);
    await sut.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(401);
    await sut
      .http()
      .get('/api/v1/users/me')
      .set(bearer(`${pair.accessToken}x`))
      .expect(401);

    const secrets = [
      'Logged-Nowhere-42',
      'Wrong-But-Secret-77',
      'Changed-Secret-88',
      pair.accessToken,
      pair.refreshToken,
      rotated.body.data.accessToken as string,
      rotated.body.data.refreshToken as string,
      (key.body.data.apiKey as string).split('.')[1],
      cookie.body.data.csrfToken as string,
      '4155550199',
    ];
    // The capture saw the traffic (so the assertion below can fail), and none of the secrets.
    expect(logs.text).toContain('Login succeeded');
    expect(logs.text).toContain('permission.denied');
    expect(logs.lines.length).toBeGreaterThan(20);
    for (const secret of secrets) expect(logs.text).not.toContain(secret);
  });
});
