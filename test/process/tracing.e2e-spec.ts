import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';

import { type AppProcess, spawnApp, waitUntilReady } from '../support/app-process';
import { eventually } from '../support/eventually';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

interface ExportedSpan {
  readonly traceId: string;
  readonly name: string;
  readonly kind: number;
  readonly attributes: Array<{ key: string; value: { stringValue?: string } }>;
}

/** A loopback OTLP/HTTP receiver: the app exports its spans here, the test reads them. */
async function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      try {
        const payload = JSON.parse(body) as {
          resourceSpans?: Array<{ scopeSpans?: Array<{ spans?: ExportedSpan[] }> }>;
        };
        for (const resource of payload.resourceSpans ?? [])
          for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []));
      } catch {
        // Not a JSON export (e.g. an empty flush at shutdown): nothing to collect.
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, spans };
}

const attribute = (span: ExportedSpan, key: string) => span.attributes.find((a) => a.key === key)?.value.stringValue;

async function json(
  app: AppProcess,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: { data: Record<string, unknown> & Array<Record<string, unknown>> } }> {
  const response = await fetch(`${app.baseUrl}${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
  return { status: response.status, body: (await response.json()) as never };
}

describe('Distributed tracing (OpenTelemetry)', () => {
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let database: TestDatabase;
  let app: AppProcess;

  beforeAll(async () => {
    collector = await startCollector();
    database = await createTestDatabase();
    app = await spawnApp({
      ...database.env,
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `trace-${process.pid}:` } : {}),
      SEED_DEMO_DATA: 'true',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    await waitUntilReady(app, 20_000);
  }, 30_000);

  afterAll(async () => {
    await app?.stop('SIGTERM');
    collector?.server.close();
    await database?.dispose();
  });

  it('follows one order placement through HTTP, SQL, Redis and every saga handler as one trace', async () => {
    const login = await json(app, '/api/v1/auth/login', {
      method: 'POST',
      body: JSON.stringify({ email: 'customer@example.com', password: 'Customer#Demo2026' }),
    });
    const token = login.body.data.accessToken as string;
    const products = await json(app, '/api/v1/products?pageSize=1');
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;

    const placed = await json(app, '/api/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, traceparent },
      body: JSON.stringify({ items: [{ productId: products.body.data[0].id, quantity: 1 }], paymentMethod: 'tok_ok' }),
    });
    expect(placed.status).toBe(201);
    await eventually(
      async () =>
        (
          await json(app, `/api/v1/orders/${placed.body.data.id as string}`, {
            headers: { authorization: `Bearer ${token}` },
          })
        ).body.data.status === 'completed',
      15_000,
      'order completed',
    );

    const names = await eventually(
      () => {
        const spans = collector.spans.filter((span) => span.traceId === traceId);
        return spans.some((span) => span.name.includes('payment.succeeded')) ? spans : undefined;
      },
      15_000,
      'saga spans exported',
    );

    expect(
      names.some((span) => span.name === 'POST /api/v1/orders' && attribute(span, 'http.route') === '/api/v1/orders'),
    ).toBe(true);
    expect(
      names.some(
        (span) => attribute(span, 'db.system') === 'postgresql' || attribute(span, 'db.system.name') === 'postgresql',
      ),
    ).toBe(true);
    expect(names.map((span) => span.name)).toEqual(
      expect.arrayContaining([
        'event inventory.reserved ChargePaymentHandler.chargeForReservedOrder',
        'event payment.succeeded SettleOrderHandler.completeOrder',
      ]),
    );
    if (process.env.REDIS_URL) {
      expect(
        names.some((span) => attribute(span, 'db.system') === 'redis' || attribute(span, 'db.system.name') === 'redis'),
      ).toBe(true);
    }
  }, 60_000);

  it('puts the trace and span ids in the log lines of that work', async () => {
    const traced = app
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => typeof entry.traceId === 'string');

    expect(traced.length).toBeGreaterThan(0);
    expect(traced.every((entry) => typeof entry.spanId === 'string')).toBe(true);
  });
});
