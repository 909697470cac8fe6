import { Test } from '@nestjs/testing';
import type { Request } from 'express';

import { Role } from '../common/access/roles';
import { AuthenticationException } from '../common/errors';
import { ACCESS_TOKEN_COOKIE } from '../common/http/auth-cookies';
import { UsersService } from '../users/users.service';
import { ApiKeysService } from './api-keys.service';
import { CredentialsAuthenticator } from './credentials.authenticator';
import { SessionService } from './session.service';
import { type AccessTokenClaims, TokenService } from './token.service';

const USER_ID = '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e';
const SESSION_ID = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
const CLAIMS: AccessTokenClaims = {
  sub: USER_ID,
  role: Role.Customer,
  jti: '5f0c7d7e-1d2b-4a4e-9a57-6c1f1b0e2a11',
  typ: 'access',
  fam: SESSION_ID,
  ver: 2,
  exp: 1_900_000_000,
};

function requestWith(headers: Record<string, string> = {}, cookies: Record<string, string> = {}): Request {
  return { headers, cookies } as unknown as Request;
}

describe(CredentialsAuthenticator.name, () => {
  let sut: CredentialsAuthenticator;
  let tokens: { verifyAccessToken: jest.Mock };
  let users: { findActiveById: jest.Mock };
  let sessions: { isRevoked: jest.Mock };
  let apiKeys: { authenticate: jest.Mock };

  beforeEach(async () => {
    tokens = { verifyAccessToken: jest.fn().mockReturnValue(CLAIMS) };
    users = { findActiveById: jest.fn().mockResolvedValue({ id: USER_ID, role: Role.Staff, tokenVersion: 2 }) };
    sessions = { isRevoked: jest.fn().mockResolvedValue(false) };
    apiKeys = { authenticate: jest.fn().mockResolvedValue({ userId: USER_ID, method: 'api_key' }) };
    const moduleRef = await Test.createTestingModule({
      providers: [
        CredentialsAuthenticator,
        { provide: TokenService, useValue: tokens },
        { provide: UsersService, useValue: users },
        { provide: SessionService, useValue: sessions },
        { provide: ApiKeysService, useValue: apiKeys },
      ],
    }).compile();
    sut = moduleRef.get(CredentialsAuthenticator);
  });

  it('returns null for a request without credentials', async () => {
    await expect(sut.authenticate(requestWith())).resolves.toBeNull();

    expect(tokens.verifyAccessToken).not.toHaveBeenCalled();
  });

  it('turns a valid bearer token of an active user into a principal', async () => {
    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).resolves.toEqual({
      userId: USER_ID,
      role: Role.Staff,
      method: 'access_token',
      credentialId: CLAIMS.jti,
      sessionId: SESSION_ID,
      expiresAt: CLAIMS.exp,
      viaCookie: false,
    });
    expect(tokens.verifyAccessToken).toHaveBeenCalledWith(TOKEN);
    expect(users.findActiveById).toHaveBeenCalledWith(USER_ID);
    expect(sessions.isRevoked).toHaveBeenCalledWith(CLAIMS);
  });

  it('takes the role from the current user, not from the token', async () => {
    tokens.verifyAccessToken.mockReturnValue({ ...CLAIMS, role: Role.Admin });
    users.findActiveById.mockResolvedValue({ id: USER_ID, role: Role.Customer, tokenVersion: 2 });

    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).resolves.toMatchObject({
      role: Role.Customer,
    });
  });

  it('accepts the access-token cookie and marks the principal as cookie-authenticated', async () => {
    await expect(sut.authenticate(requestWith({}, { [ACCESS_TOKEN_COOKIE]: TOKEN }))).resolves.toMatchObject({
      userId: USER_ID,
      viaCookie: true,
    });
  });

  it('prefers the Authorization header over the cookie', async () => {
    await expect(
      sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }, { [ACCESS_TOKEN_COOKIE]: 'x.y.z' })),
    ).resolves.toMatchObject({ viaCookie: false });
    expect(tokens.verifyAccessToken).toHaveBeenCalledWith(TOKEN);
  });

  it('hands an X-API-Key to the API key service', async () => {
    await expect(sut.authenticate(requestWith({ 'x-api-key': ' key ' }))).resolves.toMatchObject({ method: 'api_key' });

    expect(apiKeys.authenticate).toHaveBeenCalledWith('key');
    expect(tokens.verifyAccessToken).not.toHaveBeenCalled();
  });

  it('refuses a request carrying both a bearer token and an API key', async () => {
    const request = requestWith({ authorization: `Bearer ${TOKEN}`, 'x-api-key': 'key' });

    await expect(sut.authenticate(request)).rejects.toMatchObject({ reason: 'ambiguous_credentials' });
  });

  it.each([
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a scheme without a token', 'Bearer'],
    ['an empty token', 'Bearer '],
    ['a token that is not a JWT', 'Bearer abc'],
    ['a token with whitespace', `Bearer ${TOKEN} extra`],
    ['an empty header', ''],
    ['an overlong header', `Bearer ${'a'.repeat(4096)}.b.c`],
  ])('rejects %s without looking at the token', async (_label, header) => {
    await expect(sut.authenticate(requestWith({ authorization: header }))).rejects.toThrow(AuthenticationException);

    expect(tokens.verifyAccessToken).not.toHaveBeenCalled();
    expect(users.findActiveById).not.toHaveBeenCalled();
  });

  it('rejects a malformed cookie without looking at it', async () => {
    await expect(sut.authenticate(requestWith({}, { [ACCESS_TOKEN_COOKIE]: 'junk' }))).rejects.toThrow(
      AuthenticationException,
    );
    expect(tokens.verifyAccessToken).not.toHaveBeenCalled();
  });

  it('accepts the scheme in any case', async () => {
    await expect(sut.authenticate(requestWith({ authorization: `bearer ${TOKEN}` }))).resolves.toMatchObject({
      userId: USER_ID,
    });
  });

  it('propagates the rejection of an invalid token', async () => {
    tokens.verifyAccessToken.mockImplementation(() => {
      throw new AuthenticationException('invalid_token');
    });

    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).rejects.toThrow(
      AuthenticationException,
    );
    expect(users.findActiveById).not.toHaveBeenCalled();
  });

  it('rejects a valid token of a user that is inactive or gone', async () => {
    users.findActiveById.mockResolvedValue(null);

    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).rejects.toMatchObject({
      reason: 'user_inactive_or_missing',
    });
  });

  it('rejects a token issued before the user’s token version changed', async () => {
    users.findActiveById.mockResolvedValue({ id: USER_ID, role: Role.Staff, tokenVersion: 3 });

    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).rejects.toMatchObject({
      reason: 'stale_token',
    });
  });

  it('rejects a revoked token', async () => {
    sessions.isRevoked.mockResolvedValue(true);

    await expect(sut.authenticate(requestWith({ authorization: `Bearer ${TOKEN}` }))).rejects.toMatchObject({
      reason: 'token_revoked',
    });
  });
});
