import { QueryFailedError } from 'typeorm';

import type { AppException } from './app.exception';
import { ResourceAlreadyExistsException } from './client-errors';
import { DependencyUnavailableException } from './system-errors';

/** SQLSTATE codes (and node-level error codes) that mean "the database is not reachable right now". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '57014', '40001', '40P01']);
const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /connection is not established/i,
  /not queryable/i,
];

interface PgErrorShape {
  code?: string;
  table?: string;
  constraint?: string;
  detail?: string;
  message?: string;
}

/**
 * Translates a database failure into the contract: a unique violation is 409 naming the field,
 * an unreachable or overloaded database is 503. Returns undefined for anything else, which
 * stays an internal error (its SQL is logged, never shown).
 */
export function mapDatabaseError(error: unknown): AppException | undefined {
  const pg = driverError(error);
  if (!pg) return undefined;
  if (pg.code === '23505') {
    return new ResourceAlreadyExistsException(resourceName(pg.table), uniqueField(pg));
  }
  if (isUnavailable(pg)) {
    return new DependencyUnavailableException('database', { cause: error, retryAfterSeconds: 1 });
  }
  return undefined;
}

function driverError(error: unknown): PgErrorShape | undefined {
  if (error instanceof QueryFailedError) return error.driverError as PgErrorShape;
  if (error instanceof Error) {
    const shape = error as Error & PgErrorShape;
    if (shape.code !== undefined || UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(shape.message))) return shape;
  }
  return undefined;
}

function isUnavailable(pg: PgErrorShape): boolean {
  if (
    pg.code &&
    (UNAVAILABLE_SQLSTATES.has(pg.code) || UNAVAILABLE_NODE_CODES.has(pg.code) || pg.code.startsWith('08'))
  ) {
    return true;
  }
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(pg.message ?? ''));
}

/**
 * Unique indexes are named `uq_<table>_<column>` (see the migrations), so the field can be read
 * off the constraint; Postgres' detail line ("Key (email)=(...)") is the fallback.
 */
function uniqueField(pg: PgErrorShape): string {
  const prefix = `uq_${pg.table ?? ''}_`;
  if (pg.constraint?.startsWith(prefix)) return snakeToCamel(pg.constraint.slice(prefix.length));
  const fromDetail = /Key \((?:lower\()?([a-z_]+)/i.exec(pg.detail ?? '')?.[1];
  return fromDetail ? snakeToCamel(fromDetail) : 'unknown';
}

function resourceName(table: string | undefined): string {
  if (!table) return 'Resource';
  const singular = table.endsWith('s') ? table.slice(0, -1) : table;
  return singular.charAt(0).toUpperCase() + snakeToCamel(singular.slice(1));
}

function snakeToCamel(value: string): string {
  return value.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}
