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

/** No payload of this API nests deeper than a few levels; this leaves room to grow. */
export const MAX_JSON_DEPTH = 32;

export const TOO_DEEP_MESSAGE = `The request body is nested deeper than ${MAX_JSON_DEPTH} levels`;

/** The body-parser error type of a body refused by `rejectDeepNesting` (mapped to 400 like a parse failure). */
export const TOO_DEEP_ERROR_TYPE = 'entity.too.deep';

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * body-parser's `verify` hook, run on the raw bytes before JSON.parse. Deep nesting is cheap to
 * send and expensive downstream: the parser's reviver, class-transformer and class-validator all
 * recurse once per level, and a few thousand levels overflow the stack (a 500). One pass over
 * the bytes counts brackets outside strings; UTF-8 is required (`requireJsonBody`), and in UTF-8
 * no byte of a multi-byte character can be mistaken for a bracket or a quote.
 */
export function rejectDeepNesting(_req: unknown, _res: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (const byte of body) {
    if (inString) {
      if (escaped) escaped = false;
      else if (byte === BACKSLASH) escaped = true;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH) throw Object.assign(new Error(TOO_DEEP_MESSAGE), { type: TOO_DEEP_ERROR_TYPE });
    } else if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
      depth -= 1;
    }
  }
}

/**
 * The API speaks JSON only: a request that carries a body of another type is 400 BAD_REQUEST
 * rather than being validated as an empty object. JSON travels as UTF-8 (RFC 8259 section 8.1):
 * another declared charset is refused too, so every later step reads the bytes one way.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) {
    next();
    return;
  }
  const contentType = req.headers['content-type'] ?? null;
  if (!req.is(['application/json', 'application/*+json'])) {
    next(new MalformedRequestException('Request bodies must be application/json', { contentType }));
    return;
  }
  const charset = declaredCharset(contentType);
  if (charset !== undefined && !UTF8_NAMES.has(charset)) {
    next(new MalformedRequestException('Request bodies must be encoded as UTF-8', { contentType }));
    return;
  }
  next();
}

const UTF8_NAMES = new Set(['utf-8', 'utf8']);

function declaredCharset(contentType: string | null): string | undefined {
  const match = contentType === null ? null : /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType);
  return match ? match[1].toLowerCase() : undefined;
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
