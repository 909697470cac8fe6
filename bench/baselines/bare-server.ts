/**
 * What the baseline servers share: a plain `node:http` server on PORT, a readiness route for the
 * runner to poll, and JSON answers written as bytes. No framework and no middleware, on purpose:
 * a baseline is the floor the application's figures are compared with.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';

export type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export function sendJson(res: ServerResponse, status: number, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Serves `handle` on 127.0.0.1:PORT; a failing handler answers 500 and is reported on stderr. */
export function serve(name: string, handle: Handler, close: () => Promise<void>): void {
  const port = Number(requireEnv('PORT'));
  const server = createServer((req, res) => {
    if (req.url === '/health/ready') return sendJson(res, 200, '{"status":"ok"}');
    handle(req, res).catch((error: unknown) => {
      process.stderr.write(`${name}: ${(error as Error).stack ?? String(error)}\n`);
      if (!res.headersSent) sendJson(res, 500, '{"success":false}');
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void close().finally(() => process.exit(0));
  });
}

export function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} must be set`);
  return value;
}
