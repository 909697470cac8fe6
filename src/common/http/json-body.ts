import type { NextFunction, Request, Response } from 'express';

import { MalformedRequestException } from '../errors';

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * JSON.parse keeps "__proto__" and "constructor" as ordinary keys, but code that later merges
 * or copies the object can turn them into prototype pollution. No payload of this API has such
 * a key, so the parser refuses them outright (400).
 */
export function rejectPrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw new SyntaxError(`${FORBIDDEN_KEY_MESSAGE} "${key}"`);
  }
  return value;
}

export const FORBIDDEN_KEY_MESSAGE = 'The request body contains the forbidden key';

/**
 * The API speaks JSON only: a request that carries a body of another type is 400 BAD_REQUEST
 * rather than being validated as an empty object.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req) || req.is(['application/json', 'application/*+json'])) {
    next();
    return;
  }
  next(
    new MalformedRequestException('Request bodies must be application/json', {
      contentType: req.headers['content-type'] ?? null,
    }),
  );
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
