import type { Request, Response } from 'express';

import { assignRequestId, REQUEST_ID_HEADER, resolveRequestId } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe(resolveRequestId.name, () => {
  const sut = resolveRequestId;

  it.each([
    ['the shortest allowed id', 'abcd1234'],
    ['the longest allowed id', 'a'.repeat(128)],
    ['a UUID', '0b6f1c52-6a4e-4c59-9d0e-1f6a2b3c4d5e'],
    ['every allowed character', 'Az09._:-'],
    ['a trace-like id', 'trace:1234.span_5-6'],
  ])('keeps %s', (_label, candidate) => {
    expect(sut(candidate)).toBe(candidate);
  });

  it.each<[string, unknown]>([
    ['an empty string', ''],
    ['a too short id', 'abc1234'],
    ['a too long id', 'a'.repeat(129)],
    ['an id with a space', 'abc 12345'],
    ['an id with a newline', 'abcd1234\ninjected log line'],
    ['an id with a trailing newline', 'abcd1234\n'],
    ['an id with a quote', 'abcd1234"'],
    ['an id with non-ASCII characters', 'abcd1234é'],
    ['an array of ids (a repeated header)', ['abcd1234', 'efgh5678']],
    ['undefined', undefined],
    ['a number', 12345678],
  ])('replaces %s with a fresh UUID', (_label, candidate) => {
    const result = sut(candidate);

    expect(result).toMatch(UUID);
    expect(result).not.toBe(candidate);
  });

  it('generates a different id each time', () => {
    expect(sut(undefined)).not.toBe(sut(undefined));
  });
});

describe(assignRequestId.name, () => {
  const sut = assignRequestId;

  function run(headers: Record<string, string | string[]>) {
    const req = { headers } as unknown as Request & { id?: string };
    const res = { setHeader: jest.fn() };
    sut(req, res as unknown as Response);
    return { req, res };
  }

  it('keeps a sane client id on the request and echoes it', () => {
    const { req, res } = run({ 'x-request-id': 'client-req-0001' });

    expect(req.id).toBe('client-req-0001');
    expect(res.setHeader).toHaveBeenCalledWith(REQUEST_ID_HEADER, 'client-req-0001');
    expect(REQUEST_ID_HEADER).toBe('X-Request-ID');
  });

  it('assigns the same fresh id to the request and the header when the client sent none', () => {
    const { req, res } = run({});

    expect(req.id).toMatch(UUID);
    expect(res.setHeader).toHaveBeenCalledWith(REQUEST_ID_HEADER, req.id);
  });

  it('replaces an unsafe client id', () => {
    const { req, res } = run({ 'x-request-id': 'bad id\r\nSet-Cookie: x=1' });

    expect(req.id).toMatch(UUID);
    expect(res.setHeader).toHaveBeenCalledWith(REQUEST_ID_HEADER, req.id);
  });
});
