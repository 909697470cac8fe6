import express, { type NextFunction, type Request, type Response } from 'express';

import { ErrorCode, MalformedRequestException } from '../errors';
import { MAX_JSON_DEPTH, rejectDeepNesting, requireJsonBody, TOO_DEEP_ERROR_TYPE } from './json-body';

const nested = (depth: number, inner = '1'): Buffer => Buffer.from(`${'['.repeat(depth)}${inner}${']'.repeat(depth)}`);

function verify(body: Buffer): unknown {
  try {
    rejectDeepNesting(undefined, undefined, body);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe(rejectDeepNesting.name, () => {
  it(`accepts ${MAX_JSON_DEPTH} levels of arrays and objects`, () => {
    const objects = Buffer.from(`${'{"a":'.repeat(MAX_JSON_DEPTH)}1${'}'.repeat(MAX_JSON_DEPTH)}`);

    expect(verify(nested(MAX_JSON_DEPTH))).toBeUndefined();
    expect(verify(objects)).toBeUndefined();
  });

  it('refuses one level more, with its own error type, before anything parses it', () => {
    const error = verify(nested(MAX_JSON_DEPTH + 1)) as Error & { type: string };

    expect(error).toBeInstanceOf(Error);
    expect(error.type).toBe(TOO_DEEP_ERROR_TYPE);
  });

  it('refuses tens of thousands of levels in one pass (no recursion of its own)', () => {
    expect(verify(nested(50_000))).toBeInstanceOf(Error);
  });

  it('counts only brackets outside strings, escaped quotes included', () => {
    const brackets = '[{'.repeat(200);
    const body = Buffer.from(JSON.stringify({ text: brackets, quoted: `"${brackets}\\"[[[[` }));

    expect(verify(body)).toBeUndefined();
  });

  it('is not fooled by multi-byte UTF-8 characters next to brackets', () => {
    expect(verify(nested(MAX_JSON_DEPTH, '"€😀\u202e"'))).toBeUndefined();
    expect(verify(nested(MAX_JSON_DEPTH + 1, '"€😀"'))).toBeInstanceOf(Error);
  });

  it('counts sibling containers separately (depth, not total)', () => {
    const wide = Buffer.from(`[${Array.from({ length: 1000 }, () => '[[1]]').join(',')}]`);

    expect(verify(wide)).toBeUndefined();
  });
});

describe(requireJsonBody.name, () => {
  function run(method: string, headers: Record<string, string>): unknown {
    // Express's own request prototype, so `req.is()` is the real content-type matching.
    const req = Object.assign(Object.create(express.request) as Request, { method, headers });
    let passed: unknown = 'not called';
    requireJsonBody(
      req,
      {} as Response,
      ((error?: unknown) => {
        passed = error;
      }) as NextFunction,
    );
    return passed;
  }

  it('lets JSON bodies through, with or without a UTF-8 charset', () => {
    expect(run('POST', { 'content-type': 'application/json', 'content-length': '2' })).toBeUndefined();
    expect(run('POST', { 'content-type': 'application/json; charset=UTF-8', 'content-length': '2' })).toBeUndefined();
    expect(run('PATCH', { 'content-type': 'application/json;charset="utf8"', 'content-length': '2' })).toBeUndefined();
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x'])(
    'refuses a %s body with BAD_REQUEST',
    (contentType) => {
      const error = run('POST', { 'content-type': contentType, 'content-length': '5' });

      expect(error).toBeInstanceOf(MalformedRequestException);
      expect((error as MalformedRequestException).code).toBe(ErrorCode.BadRequest);
    },
  );

  it.each(['utf-16', 'latin1', 'utf-32le', ''])('refuses JSON declared as charset "%s"', (charset) => {
    const error = run('POST', { 'content-type': `application/json; charset=${charset}`, 'content-length': '2' });

    expect(error).toBeInstanceOf(MalformedRequestException);
    expect((error as MalformedRequestException).message).toBe('Request bodies must be encoded as UTF-8');
  });

  it('ignores requests without a body and methods that carry none', () => {
    expect(run('POST', { 'content-type': 'text/plain' })).toBeUndefined();
    expect(run('GET', { 'content-type': 'text/plain', 'content-length': '5' })).toBeUndefined();
  });
});
