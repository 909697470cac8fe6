import { type AddressInfo, connect } from 'node:net';

import { LogCapture } from './support/log-capture';
import { metricValue } from './support/metrics';
import { createTestApp, type TestApp } from './support/test-app';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: { success?: boolean; error?: { code?: string }; requestId?: string };
}

/**
 * Every refusal is JSON in the error envelope, logged and counted, including those made before
 * Express sees a request (Node's HTTP parser) and outside /api/v1.
 */
describe('Refusals outside the handlers', () => {
  let sut: TestApp;
  let port: number;
  const logs = new LogCapture();

  beforeAll(async () => {
    sut = await createTestApp({ logs });
    await sut.app.listen(0, '127.0.0.1');
    port = (sut.app.getHttpServer().address() as AddressInfo).port;
  });

  afterAll(async () => {
    await sut.close();
  });

  /** Writes raw bytes and reads the whole answer (the server closes after a parser refusal). */
  const raw = (request: string): Promise<RawResponse> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('close', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const [head, ...rest] = text.split('\r\n\r\n');
        const [statusLine, ...headerLines] = head.split('\r\n');
        const headers = Object.fromEntries(
          headerLines.map((line) => [
            line.slice(0, line.indexOf(':')).toLowerCase(),
            line.slice(line.indexOf(':') + 1).trim(),
          ]),
        );
        resolve({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(rest.join('\r\n') || '{}') });
      });
      socket.end(request);
    });

  const loggedWith = (requestId: string | undefined) =>
    logs.entries.filter((entry) => entry.requestId !== undefined && entry.requestId === requestId);

  it.each([
    [
      'oversized headers',
      `GET /api/v1/products HTTP/1.1\r\nHost: x\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    [
      'an oversized URL',
      `GET /api/v1/products?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      431,
      'HEADERS_TOO_LARGE',
    ],
    ['a malformed request line', 'NOT A REQUEST\r\n\r\n', 400, 'BAD_REQUEST'],
    ['a malformed header', 'GET / HTTP/1.1\r\nHost x\r\nBad Header\r\n\r\n', 400, 'BAD_REQUEST'],
    [
      'a bad chunked body',
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      400,
      'BAD_REQUEST',
    ],
  ])(
    'answers %s refused by the HTTP parser in the envelope, logged and counted',
    async (_label, request, status, code) => {
      const labels = { route: 'unparsed', status: String(status) };
      const before = await metricValue(sut.app, 'http_requests_total', labels);

      const response = await raw(request);

      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toContain('application/json');
      expect(response.body).toEqual({
        success: false,
        error: expect.objectContaining({ code }),
        requestId: expect.any(String),
      });
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
      expect(loggedWith(response.body.requestId)).toEqual([expect.objectContaining({ status, errorCode: code })]);
      expect(await metricValue(sut.app, 'http_requests_total', labels)).toBe(before + 1);
    },
  );

  it.each([
    ['an unknown route outside /api/v1', () => sut.http().get('/no-such-page'), 404, 'RESOURCE_NOT_FOUND'],
    [
      'an unreadable JSON body',
      () => sut.http().post('/api/v1/auth/login').set('Content-Type', 'application/json').send('{"email":'),
      400,
      'BAD_REQUEST',
    ],
    [
      'a body over the limit',
      () =>
        sut
          .http()
          .post('/api/v1/auth/login')
          .send({ email: 'a@example.com', password: 'x'.repeat(200_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])('answers %s in the envelope with a request log line', async (_label, send, status, code) => {
    const response = await send();

    expect(response.status).toBe(status);
    expect(response.body).toEqual({
      success: false,
      error: expect.objectContaining({ code }),
      requestId: expect.any(String),
    });
    expect(loggedWith(response.body.requestId as string)).toEqual(
      expect.arrayContaining([expect.objectContaining({ status, errorCode: code })]),
    );
  });
});
