import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';

import { MetricsRegistry } from '../metrics/metrics-registry';
import { CsrfTokenService } from './csrf-token.service';
import { SecurityMetrics } from './security.metrics';

const SESSION = '7d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6';

async function serviceWithSecret(jwtSecret: string): Promise<CsrfTokenService> {
  const moduleRef = await Test.createTestingModule({
    providers: [
      CsrfTokenService,
      SecurityMetrics,
      MetricsRegistry,
      { provide: ConfigService, useValue: { getOrThrow: () => ({ jwtSecret }) } },
    ],
  }).compile();
  return moduleRef.get(CsrfTokenService);
}

describe(CsrfTokenService.name, () => {
  let sut: CsrfTokenService;

  beforeEach(async () => {
    sut = await serviceWithSecret('s'.repeat(40));
  });

  it('accepts a token sent in the header and the cookie, for its own session', () => {
    const token = sut.issue(SESSION);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(sut.verify(token, token, SESSION)).toBe(true);
  });

  it('issues a different token each time, all valid', () => {
    const first = sut.issue(SESSION);
    const second = sut.issue(SESSION);

    expect(first).not.toBe(second);
    expect(sut.verify(second, second, SESSION)).toBe(true);
  });

  it.each([
    ['no header', (token: string) => [undefined, token, SESSION] as const],
    ['no cookie', (token: string) => [token, undefined, SESSION] as const],
    ['a header that differs from the cookie', (token: string) => [`${token}x`, token, SESSION] as const],
    ['another session', (token: string) => [token, token, 'another-session'] as const],
    [
      'a forged signature',
      (token: string) =>
        [`${token.split('.')[0]}.${'A'.repeat(43)}`, `${token.split('.')[0]}.${'A'.repeat(43)}`, SESSION] as const,
    ],
    ['no signature', (token: string) => [token.split('.')[0], token.split('.')[0], SESSION] as const],
    ['extra segments', (token: string) => [`${token}.x`, `${token}.x`, SESSION] as const],
    ['an overlong header', () => ['a'.repeat(300), 'a'.repeat(300), SESSION] as const],
  ])('refuses %s', (_label, shape) => {
    const [header, cookie, session] = shape(sut.issue(SESSION));

    expect(sut.verify(header, cookie, session)).toBe(false);
  });

  it('refuses a token made with another secret', async () => {
    const other = await serviceWithSecret('o'.repeat(40));
    const token = other.issue(SESSION);

    expect(sut.verify(token, token, SESSION)).toBe(false);
  });
});
