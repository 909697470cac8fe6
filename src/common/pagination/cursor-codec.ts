import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';

import type { AllConfig } from '../../config';
import { ValidationException } from '../errors';

/** What a cursor remembers: the sort it belongs to and the last row's sort values and id. */
export interface CursorPosition {
  readonly sort: string;
  readonly values: ReadonlyArray<string | number>;
  readonly id: string;
}

const SIGNATURE_BYTES = 16;

/**
 * Opaque, tamper-evident cursors: base64url(JSON) + "." + HMAC-SHA256 (truncated to 128 bits).
 * The key is derived from the JWT secret with HKDF under its own label, so no extra secret has
 * to be configured and a cursor key can never be used to sign a token.
 */
@Injectable()
export class CursorCodec {
  private readonly key: Buffer;

  constructor(config: ConfigService<AllConfig, true>) {
    const secret = config.getOrThrow('auth', { infer: true }).jwtSecret;
    this.key = Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'pagination-cursor/v1', 32));
  }

  encode(position: CursorPosition): string {
    const payload = Buffer.from(JSON.stringify({ s: position.sort, v: position.values, i: position.id })).toString(
      'base64url',
    );
    return `${payload}.${this.sign(payload).toString('base64url')}`;
  }

  /** The position inside a cursor; 422 VALIDATION_ERROR when it was altered, forged or belongs to another sort. */
  decode(cursor: string, expectedSort: string): CursorPosition {
    const [payload, signature, extra] = cursor.split('.');
    if (!payload || !signature || extra !== undefined || !this.verify(payload, signature))
      throw invalidCursor('is not a valid cursor');
    const position = parsePayload(payload);
    if (position.sort !== expectedSort) throw invalidCursor('was issued for another sort order');
    return position;
  }

  private sign(payload: string): Buffer {
    return createHmac('sha256', this.key).update(payload).digest().subarray(0, SIGNATURE_BYTES);
  }

  private verify(payload: string, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    return given.length === SIGNATURE_BYTES && timingSafeEqual(given, this.sign(payload));
  }
}

function parsePayload(payload: string): CursorPosition {
  try {
    const raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      s?: unknown;
      v?: unknown;
      i?: unknown;
    };
    const valid =
      typeof raw.s === 'string' &&
      typeof raw.i === 'string' &&
      Array.isArray(raw.v) &&
      raw.v.every((value) => typeof value === 'string' || typeof value === 'number');
    if (!valid) throw new Error('shape');
    return { sort: raw.s as string, values: raw.v as Array<string | number>, id: raw.i as string };
  } catch {
    throw invalidCursor('is not a valid cursor');
  }
}

function invalidCursor(msg: string): ValidationException {
  return ValidationException.forField(['query', 'cursor'], msg, 'invalid.cursor');
}
