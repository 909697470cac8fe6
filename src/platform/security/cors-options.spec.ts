import type { CorsOptions } from '@nestjs/common/interfaces/external/cors-options.interface';
import type { Request } from 'express';

import { corsOptionsDelegate } from './cors-options';

function optionsFor(origin: string | undefined): CorsOptions {
  const sut = corsOptionsDelegate({
    origins: ['https://shop.example.com'],
    patterns: ['https://*.preview.example.com', 'http://localhost:*'],
  });
  let result: CorsOptions = {};
  sut({ headers: origin === undefined ? {} : { origin } } as Request, (_error, options) => (result = options));
  return result;
}

describe(corsOptionsDelegate.name, () => {
  it('allows an exact origin with credentials', () => {
    expect(optionsFor('https://shop.example.com')).toMatchObject({ origin: true, credentials: true });
  });

  it.each(['https://pr-7.preview.example.com', 'http://localhost:5173'])(
    'allows the pattern origin %s without credentials',
    (origin) => {
      expect(optionsFor(origin)).toMatchObject({ origin: true, credentials: false });
    },
  );

  it.each([
    'https://evil.example.com',
    'https://a.b.preview.example.com',
    'https://preview.example.com',
    'https://pr-7.preview.example.com.evil.net',
    'http://shop.example.com',
    'https://shop.example.com:8443',
  ])('gives no CORS to %s', (origin) => {
    expect(optionsFor(origin)).toMatchObject({ origin: false, credentials: false });
  });

  it('gives no CORS to a request without an Origin header', () => {
    expect(optionsFor(undefined)).toMatchObject({ origin: false });
  });

  it('lets browsers send the CSRF and API-key headers and read the rate-limit ones', () => {
    const options = optionsFor('https://shop.example.com');

    expect(options.allowedHeaders).toEqual(expect.arrayContaining(['X-CSRF-Token', 'X-API-Key', 'Authorization']));
    expect(options.exposedHeaders).toEqual(expect.arrayContaining(['X-Request-ID', 'Retry-After']));
  });
});
