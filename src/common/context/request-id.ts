import { randomUUID } from 'node:crypto';

import type { Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'X-Request-ID';

/** Short enough to log, free of anything that could break a log line or a header. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** The client's request id when it is sane, otherwise a fresh UUID. */
export function resolveRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

/**
 * Fixes a request's id before anything can log, and echoes it on the response, whatever happens
 * later (404s and body-parser failures included): the first thing the first middleware does.
 */
export function assignRequestId(req: Request, res: Response): void {
  const id = resolveRequestId(req.headers['x-request-id']);
  (req as Request & { id: string }).id = id;
  res.setHeader(REQUEST_ID_HEADER, id);
}
