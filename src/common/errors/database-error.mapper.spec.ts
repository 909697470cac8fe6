import { HttpStatus } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';

import { ResourceAlreadyExistsException } from './client-errors';
import { mapDatabaseError } from './database-error.mapper';
import { ErrorCode } from './error-code';
import { DependencyUnavailableException } from './system-errors';

interface PgFields {
  code?: string;
  table?: string;
  constraint?: string;
  detail?: string;
}

/** An error shaped like the one node-postgres raises. */
function pgError(message: string, fields: PgFields): Error & PgFields {
  return Object.assign(new Error(message), fields);
}

/** What TypeORM throws when a query fails: the driver's error wrapped in a QueryFailedError. */
function queryFailed(fields: PgFields, message = 'query failed'): QueryFailedError {
  return new QueryFailedError('INSERT INTO "users" ...', [], pgError(message, fields));
}

function uniqueViolation(fields: Omit<PgFields, 'code'>): QueryFailedError {
  return queryFailed({ code: '23505', ...fields }, 'duplicate key value violates unique constraint');
}

describe(mapDatabaseError.name, () => {
  const sut = mapDatabaseError;

  describe('unique violations', () => {
    it('become 409 RESOURCE_ALREADY_EXISTS naming the field of the constraint', () => {
      const error = uniqueViolation({
        table: 'users',
        constraint: 'uq_users_email',
        detail: 'Key (email)=(a@b.c) already exists.',
      });

      const result = sut(error);

      expect(result).toBeInstanceOf(ResourceAlreadyExistsException);
      expect(result?.code).toBe(ErrorCode.ResourceAlreadyExists);
      expect(result?.status).toBe(HttpStatus.CONFLICT);
      expect(result?.details).toEqual({ resourceType: 'User', field: 'email' });
    });

    it('never echoes the conflicting value', () => {
      const error = uniqueViolation({
        table: 'users',
        constraint: 'uq_users_email',
        detail: 'Key (email)=(a@b.c) already exists.',
      });

      const result = sut(error);

      expect(result?.message).toBe('A user with this email already exists');
      expect(JSON.stringify(result?.details)).not.toContain('a@b.c');
    });

    it('reads the field of an expression index off its constraint name', () => {
      const error = uniqueViolation({
        table: 'users',
        constraint: 'uq_users_username',
        detail: 'Key (lower(username::text))=(ada) already exists.',
      });

      expect(sut(error)?.details).toEqual({ resourceType: 'User', field: 'username' });
    });

    it('falls back to the detail line when the constraint does not follow uq_<table>_<column>', () => {
      const error = uniqueViolation({
        table: 'users',
        constraint: 'users_email_key',
        detail: 'Key (email)=(a@b.c) already exists.',
      });

      expect(sut(error)?.details).toMatchObject({ field: 'email' });
    });

    it('reads an expression in the detail line', () => {
      const error = uniqueViolation({
        table: 'users',
        constraint: 'some_index',
        detail: 'Key (lower(username::text))=(ada) already exists.',
      });

      expect(sut(error)?.details).toMatchObject({ field: 'username' });
    });

    it('turns snake_case columns into camelCase fields', () => {
      const fromConstraint = uniqueViolation({ table: 'order_items', constraint: 'uq_order_items_product_id' });
      const fromDetail = uniqueViolation({
        table: 'order_items',
        constraint: 'order_items_pkey',
        detail: 'Key (external_ref_id)=(x) already exists.',
      });

      expect(sut(fromConstraint)?.details).toEqual({ resourceType: 'OrderItem', field: 'productId' });
      expect(sut(fromDetail)?.details).toEqual({ resourceType: 'OrderItem', field: 'externalRefId' });
    });

    it('says "unknown" when neither constraint nor detail names a column', () => {
      const error = uniqueViolation({ table: 'users' });

      expect(sut(error)?.details).toEqual({ resourceType: 'User', field: 'unknown' });
    });

    it('uses a generic resource name when the table is not known', () => {
      const error = uniqueViolation({ detail: 'Key (email)=(a@b.c) already exists.' });

      expect(sut(error)?.details).toEqual({ resourceType: 'Resource', field: 'email' });
    });
  });

  describe('an unreachable database', () => {
    const unavailable: ReadonlyArray<[string, unknown]> = [
      ['ECONNREFUSED on a plain Error', pgError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' })],
      ['ETIMEDOUT on a plain Error', pgError('connect ETIMEDOUT', { code: 'ETIMEDOUT' })],
      ['a terminated connection', new Error('Connection terminated unexpectedly')],
      ['a pool connect timeout', new Error('timeout exceeded when trying to connect')],
      ['admin shutdown (57P01)', queryFailed({ code: '57P01' })],
      ['connection failure (08006)', queryFailed({ code: '08006' })],
      ['another connection exception (08001)', queryFailed({ code: '08001' })],
      ['a serialization failure (40001)', queryFailed({ code: '40001' })],
      ['a deadlock (40P01)', queryFailed({ code: '40P01' })],
      ['too many connections (53300)', queryFailed({ code: '53300' })],
      ['a statement timeout (57014)', queryFailed({ code: '57014' })],
      ['a wrapped terminated connection', queryFailed({}, 'Connection terminated unexpectedly')],
    ];

    it.each(unavailable)('%s becomes 503 SERVICE_UNAVAILABLE with Retry-After', (_label, error) => {
      const result = sut(error);

      expect(result).toBeInstanceOf(DependencyUnavailableException);
      expect(result?.status).toBe(HttpStatus.SERVICE_UNAVAILABLE);
      expect(result?.headers).toEqual({ 'Retry-After': '1' });
      expect(result?.details).toEqual({ dependency: 'database' });
    });

    it('keeps the original error as the cause, for the log', () => {
      const error = queryFailed({ code: '57P01' });

      expect(sut(error)?.cause).toBe(error);
    });
  });

  describe('anything else', () => {
    const unrelated: ReadonlyArray<[string, unknown]> = [
      ['an undefined table (42P01)', queryFailed({ code: '42P01' })],
      ['a syntax error (42601)', queryFailed({ code: '42601' })],
      ['a foreign key violation (23503)', queryFailed({ code: '23503' })],
      ['a plain Error without code', new Error('boom')],
      ['a plain Error with an unrelated code', pgError('bad argument', { code: 'ERR_INVALID_ARG_TYPE' })],
      ['a string', 'Connection terminated unexpectedly'],
      ['undefined', undefined],
      ['null', null],
      ['an object that is not an Error', { code: 'ECONNREFUSED' }],
    ];

    it.each(unrelated)('%s is not mapped', (_label, error) => {
      expect(sut(error)).toBeUndefined();
    });
  });
});
