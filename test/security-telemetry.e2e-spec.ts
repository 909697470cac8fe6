import type { Response } from 'supertest';

import { Role } from '../src/common/access/roles';
import { cookieHeader, cookieValues } from './support/cookies';
import { eventually } from './support/eventually';
import { SecurityEventProbeModule, SecurityEventRecorder } from './support/fixtures/security-event-probe.module';
import { metricValue } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';
import { bearer, createUserWithRole, loginPair, registerUser } from './support/users';

const METRICS = [
  'token_validations_total',
  'tokens_created_total',
  'token_validation_duration_seconds',
  'password_verifications_total',
  'password_verification_duration_seconds',
  'api_keys_created_total',
  'api_key_verification_duration_seconds',
  'csrf_validations_total',
] as const;

/** Each security metric the spec names moves when its check runs, and each security event reaches a subscriber. */
describe('Security metrics and events', () => {
  let sut: TestApp;
  let recorder: SecurityEventRecorder;

  beforeAll(async () => {
    sut = await createTestApp({ imports: [SecurityEventProbeModule] });
    recorder = sut.app.get(SecurityEventRecorder);
  });

  afterAll(async () => {
    await sut.close();
  });

  const snapshot = async (): Promise<Record<string, number>> =>
    Object.fromEntries(
      await Promise.all(METRICS.map(async (name) => [name, await metricValue(sut.app, name)] as const)),
    );

  it('moves every named metric and signals every named event', async () => {
    const before = await snapshot();
    const user = await registerUser(sut);
    const customer = await createUserWithRole(sut, Role.Customer);

    await sut.http().post('/api/v1/auth/login').send({ email: user.email, password: 'Wrong-Password-1' }).expect(401);
    const pair = await loginPair(sut, user);
    await sut.http().get('/api/v1/users/me').set(bearer(pair.accessToken)).expect(200);
    const rotated = (
      await sut.http().post('/api/v1/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(200)
    ).body.data as { accessToken: string };
    const key = (
      await sut
        .http()
        .post('/api/v1/auth/api-keys')
        .set(bearer(rotated.accessToken))
        .send({ name: 'telemetry', permissions: ['products:read'] })
        .expect(201)
    ).body.data as { apiKey: string };
    await sut.http().get('/api/v1/users').set('X-API-Key', key.apiKey).expect(403);
    await sut.http().get(`/api/v1/users/${customer.id}`).set(bearer(rotated.accessToken)).expect(404);
    const cookieLogin: Response = await sut
      .http()
      .post('/api/v1/auth/login?mode=cookie')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const cookies = cookieHeader(cookieValues(cookieLogin));
    await sut.http().patch('/api/v1/users/me').set('Cookie', cookies).send({ fullName: 'X' }).expect(403);
    await sut.http().post('/api/v1/auth/logout').set(bearer(rotated.accessToken)).expect(204);

    const after = await snapshot();
    for (const name of METRICS) expect({ name, moved: after[name] > before[name] }).toEqual({ name, moved: true });
    expect(await metricValue(sut.app, 'token_validations_total', { type: 'access', result: 'valid' })).toBeGreaterThan(
      0,
    );
    expect(await metricValue(sut.app, 'password_verifications_total', { result: 'mismatch' })).toBeGreaterThan(0);
    expect(await metricValue(sut.app, 'csrf_validations_total', { result: 'invalid' })).toBeGreaterThan(0);

    await eventually(() => recorder.named('security.token_revoked').length > 0, 5_000, 'security.token_revoked');
    expect(recorder.named('security.password_verification_failed')).toEqual([
      expect.objectContaining({ payload: { userId: user.id, reason: 'wrong_password' } }),
    ]);
    expect(recorder.named('security.token_created').map((event) => event.payload)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: user.id, reason: 'login' }),
        expect.objectContaining({ userId: user.id, reason: 'rotation' }),
      ]),
    );
    expect(recorder.named('security.api_key_created')).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ userId: user.id, permissions: ['products:read'] }),
      }),
    ]);
    expect(recorder.named('permission.denied')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ userId: user.id, missing: ['users:read'] }) }),
    ]);
    expect(recorder.named('permission.object_denied')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ userId: user.id, resourceType: 'User' }) }),
    ]);
    expect(recorder.named('security.token_revoked')).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ userId: user.id, reason: 'logout' }) }),
    ]);
    expect(JSON.stringify(recorder.seen)).not.toContain(user.password);
  });
});
