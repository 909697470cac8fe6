import { createHash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

import { ValidationException } from '../common/errors';
import { stableStringify } from '../common/util/stable-stringify';
import { IdempotencyKey } from './idempotency-key.entity';

export interface StoredResponse<T> {
  readonly status: number;
  readonly body: T;
}

/**
 * Idempotency-Key for POST /orders, per user. Inside the order's transaction the key is claimed
 * with an INSERT: a concurrent request with the same key blocks on that row until the first
 * commits (then it finds the stored response) or rolls back (then it proceeds itself). So ten
 * parallel retries create one order and all receive the first response.
 */
@Injectable()
export class IdempotencyStore {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /**
   * Claims the key for this request (undefined: go ahead) or returns the response stored for it.
   * The same key with a different request is 422.
   */
  async claim<T>(userId: string, key: string, request: unknown): Promise<StoredResponse<T> | undefined> {
    const requestHash = hashRequest(request);
    const inserted = await this.txHost.tx
      .createQueryBuilder()
      .insert()
      .into(IdempotencyKey)
      .values({ userId, key, requestHash })
      .orIgnore()
      .returning(['key'])
      .execute();
    if ((inserted.raw as unknown[]).length > 0) return undefined;
    const existing = await this.txHost.tx.getRepository(IdempotencyKey).findOneByOrFail({ userId, key });
    if (existing.requestHash !== requestHash) {
      throw ValidationException.forField(
        ['header', 'Idempotency-Key'],
        'was already used with a different request',
        'invalid.idempotencyKey',
      );
    }
    return { status: existing.responseStatus ?? 201, body: JSON.parse(existing.responseBody ?? 'null') as T };
  }

  /**
   * Stores the response for the claimed key, in the same transaction as the work it describes, as
   * the JSON text the client receives: parsing it back keeps every key in place, so the replay is
   * serialized to the same bytes (JSON text of plain data survives parse and stringify unchanged).
   */
  async complete<T>(userId: string, key: string, response: StoredResponse<T>): Promise<void> {
    await this.txHost.tx
      .getRepository(IdempotencyKey)
      .update({ userId, key }, { responseStatus: response.status, responseBody: JSON.stringify(response.body) });
  }

  /** Keys are kept for a day, like common payment APIs; older ones are forgotten. */
  async forgetOlderThan(hours: number): Promise<number> {
    const result = await this.txHost.tx
      .createQueryBuilder()
      .delete()
      .from(IdempotencyKey)
      .where(`created_at < now() - (:hours || ' hours')::interval`, { hours: String(hours) })
      .execute();
    return result.affected ?? 0;
  }
}

/** A stable hash of the request body (key order does not matter). */
function hashRequest(request: unknown): string {
  return createHash('sha256').update(stableStringify(request)).digest('hex');
}
