import { randomBytes } from 'node:crypto';

import type { components } from '../../clients/typescript/src/schema';
import type { Role } from '../../src/common/access/roles';
import { UsersService } from '../../src/users/users.service';
import type { TestApp } from './test-app';

export interface RegisteredUser {
  readonly id: string;
  readonly email: string;
  readonly username: string;
  readonly password: string;
}

export const STRONG_PASSWORD = 'Correct-Horse-42';

/** Bodies typed by the generated client, so that a change to the document breaks these helpers at compile time. */
type Schemas = components['schemas'];
interface Envelope<T> {
  readonly data: T;
}

/**
 * Registers a customer through the API, with unique email and username. The API answers 202
 * without an id (it reveals nothing about accounts); the id is read from the users service.
 */
export async function registerUser(
  sut: TestApp,
  overrides: Partial<Omit<RegisteredUser, 'id'>> = {},
  headers: Record<string, string> = {},
): Promise<RegisteredUser> {
  const suffix = randomBytes(4).toString('hex');
  const input = {
    email: overrides.email ?? `user-${suffix}@example.com`,
    username: overrides.username ?? `user_${suffix}`,
    password: overrides.password ?? STRONG_PASSWORD,
  };
  await sut.http().post('/api/v1/auth/register').set(headers).send(input).expect(202);
  const created = await sut.app.get(UsersService).findByEmail(input.email);
  if (!created) throw new Error(`registration of ${input.email} created no account`);
  return { id: created.id, ...input };
}

/** Logs in through the API and returns the access token. */
export async function loginAs(
  sut: TestApp,
  user: Pick<RegisteredUser, 'email' | 'password'>,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await sut
    .http()
    .post('/api/v1/auth/login')
    .set(headers)
    .send({ email: user.email, password: user.password })
    .expect(200);
  return (response.body as Envelope<Schemas['TokenResponseDto']>).data.accessToken;
}

export interface SessionTokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Logs in through the API and returns both tokens of the new session. */
export async function loginPair(
  sut: TestApp,
  user: Pick<RegisteredUser, 'email' | 'password'>,
): Promise<SessionTokens> {
  const response = await sut
    .http()
    .post('/api/v1/auth/login')
    .send({ email: user.email, password: user.password })
    .expect(200);
  const { accessToken, refreshToken } = (response.body as Envelope<Schemas['TokenResponseDto']>).data;
  return { accessToken, refreshToken };
}

/**
 * Creates a user with any role through the users service (the API only creates customers), with
 * unique email and username.
 */
export async function createUserWithRole(sut: TestApp, role: Role): Promise<RegisteredUser> {
  const suffix = randomBytes(4).toString('hex');
  const input = { email: `${role}-${suffix}@example.com`, username: `${role}_${suffix}`, password: STRONG_PASSWORD };
  const created = await sut.app.get(UsersService).register({ ...input, role });
  return { id: created.id, ...input };
}

/** `{ Authorization: Bearer … }` for supertest's `.set()`. */
export function bearer(accessToken: string): Record<string, string> {
  return { Authorization: `Bearer ${accessToken}` };
}
