import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';

import { CsrfTokenService } from '../../platform/security/csrf-token.service';
import type { Principal } from '../access/principal';
import { Role } from '../access/roles';
import { Public } from '../decorators/public.decorator';
import { CsrfInvalidException } from '../errors';
import { CSRF_COOKIE } from '../http/auth-cookies';
import { RoutePolicies } from '../http/route-policy';
import { CsrfGuard } from './csrf.guard';

const COOKIE_PRINCIPAL: Principal = {
  userId: 'u1',
  role: Role.Customer,
  method: 'access_token',
  credentialId: 'jti',
  sessionId: 'session-1',
  viaCookie: true,
};

class ProfileController {
  update(): void {}
}

class SessionController {
  @Public()
  refresh(): void {}
}

function contextFor(request: object, controller: new () => object = ProfileController): ExecutionContext {
  const handler =
    controller === SessionController ? SessionController.prototype.refresh : ProfileController.prototype.update;
  return {
    getType: () => 'http',
    getHandler: () => handler,
    getClass: () => controller,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

describe(CsrfGuard.name, () => {
  let sut: CsrfGuard;
  let csrf: { verify: jest.Mock };

  beforeEach(async () => {
    csrf = { verify: jest.fn().mockReturnValue(false) };
    const moduleRef = await Test.createTestingModule({
      providers: [CsrfGuard, { provide: CsrfTokenService, useValue: csrf }, RoutePolicies, Reflector],
    }).compile();
    sut = moduleRef.get(CsrfGuard);
  });

  const request = (method: string, principal?: Principal, token?: string) => ({
    method,
    principal,
    headers: token === undefined ? {} : { 'x-csrf-token': token },
    cookies: { [CSRF_COOKIE]: 'cookie-token' },
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('refuses a cookie-authenticated %s without a valid token', (method) => {
    expect(() => sut.canActivate(contextFor(request(method, COOKIE_PRINCIPAL, 'bad')))).toThrow(CsrfInvalidException);
    expect(csrf.verify).toHaveBeenCalledWith('bad', 'cookie-token', 'session-1');
  });

  it('lets a cookie-authenticated unsafe request with a valid token through', () => {
    csrf.verify.mockReturnValue(true);

    expect(sut.canActivate(contextFor(request('PATCH', COOKIE_PRINCIPAL, 'good')))).toBe(true);
  });

  it.each([
    ['a safe method', request('GET', COOKIE_PRINCIPAL)],
    ['a bearer request', request('POST', { ...COOKIE_PRINCIPAL, viaCookie: false })],
    ['an API-key request', request('DELETE', { ...COOKIE_PRINCIPAL, method: 'api_key', viaCookie: undefined })],
    ['an anonymous request', request('POST')],
  ])('does not ask for a token on %s', (_label, req) => {
    expect(sut.canActivate(contextFor(req))).toBe(true);
    expect(csrf.verify).not.toHaveBeenCalled();
  });

  it('leaves public routes to check cookies themselves', () => {
    expect(sut.canActivate(contextFor(request('POST', COOKIE_PRINCIPAL), SessionController))).toBe(true);
  });

  it('refuses a cookie principal without a session', () => {
    csrf.verify.mockReturnValue(true);

    expect(() =>
      sut.canActivate(contextFor(request('POST', { ...COOKIE_PRINCIPAL, sessionId: undefined }, 'good'))),
    ).toThrow(CsrfInvalidException);
  });
});
