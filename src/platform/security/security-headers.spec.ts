import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';

import helmet, { type HelmetOptions } from 'helmet';

import { securityHeaders } from './security-headers';

/** What helmet itself sets on a real Node response. */
function helmetOnRealResponse(options: HelmetOptions): Record<string, string> {
  const request = new IncomingMessage(new Socket());
  const response = new ServerResponse(request);
  response.setHeader('X-Powered-By', 'Express');
  helmet(options)(request, response, () => undefined);
  return Object.fromEntries(Object.entries(response.getHeaders()).map(([name, value]) => [name, String(value)]));
}

function asRecord(headers: ReadonlyArray<readonly [string, string]>): Record<string, string> {
  return Object.fromEntries(headers.map(([name, value]) => [name.toLowerCase(), value]));
}

describe(securityHeaders.name, () => {
  it.each([
    ['production (HSTS on)', { hsts: true }],
    ['development (HSTS off)', { hsts: false }],
  ])('computes the very headers helmet sets, in %s', (_label, options) => {
    expect(asRecord(securityHeaders(options))).toEqual(helmetOnRealResponse(options));
  });

  it('includes the headers the API promises', () => {
    const headers = asRecord(securityHeaders({ hsts: true }));

    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['strict-transport-security']).toMatch(/^max-age=\d+/);
    expect(headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('refuses options that need the request (a CSP nonce per response)', () => {
    const perRequest: HelmetOptions = {
      contentSecurityPolicy: {
        directives: { scriptSrc: [(_req, res) => `'nonce-${String((res as { locals?: { n?: string } }).locals?.n)}'`] },
      },
    };

    expect(() => securityHeaders(perRequest)).toThrow();
  });
});
