import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull, MoreThan, type Repository } from 'typeorm';

import { ApiKey } from './api-key.entity';

export type NewApiKey = Pick<
  ApiKey,
  'id' | 'userId' | 'name' | 'secretHash' | 'permissions' | 'expiresAt' | 'mintedById'
>;

/** What authenticating with a key needs (cached). */
export type ApiKeyCredential = Pick<ApiKey, 'id' | 'userId' | 'secretHash' | 'permissions' | 'expiresAt' | 'revokedAt'>;

/** API keys; joins the caller's transaction. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get keys(): Repository<ApiKey> {
    return this.txHost.tx.getRepository(ApiKey);
  }

  async insert(key: NewApiKey): Promise<ApiKey> {
    await this.keys.insert(key);
    return this.keys.findOneByOrFail({ id: key.id });
  }

  findCredential(id: string): Promise<ApiKeyCredential | null> {
    return this.keys.findOne({
      where: { id },
      select: { id: true, userId: true, secretHash: true, permissions: true, expiresAt: true, revokedAt: true },
    });
  }

  /** The owner's keys that still work or may (not revoked), newest first. */
  findUsableOf(userId: string): Promise<ApiKey[]> {
    return this.keys.find({ where: { userId, revokedAt: IsNull() }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  countActiveOf(userId: string, now: Date): Promise<number> {
    return this.keys.count({
      where: [
        { userId, revokedAt: IsNull(), expiresAt: IsNull() },
        { userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
      ],
    });
  }

  /**
   * Serialises key creation per user until the transaction ends, so the active-key cap is counted
   * and enforced as one step however many creations run at once.
   */
  async lockKeysOf(userId: string): Promise<void> {
    await this.keys.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`api-keys:${userId}`]);
  }

  /** Whether the key still works, read under a row lock that a concurrent revocation waits for (and vice versa). */
  async isUsableForUpdate(id: string): Promise<boolean> {
    const rows = await this.keys.query<unknown[]>(
      'SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()) FOR UPDATE',
      [id],
    );
    return rows.length > 0;
  }

  /** Revokes the key if it belongs to `userId` and is not revoked yet; whether it did. */
  async revoke(id: string, userId: string): Promise<boolean> {
    const result = await this.keys.update({ id, userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return (result.affected ?? 0) > 0;
  }

  /**
   * Revokes every key minted, directly or not, with key `id`; their ids. Run after revoking `id`
   * in the same transaction: that row lock makes a concurrent mint with `id` either finish first
   * (and this statement, started later, sees its key) or find `id` revoked.
   */
  async revokeMintedBy(id: string): Promise<string[]> {
    // TypeORM answers an UPDATE … RETURNING on Postgres with [rows, affected].
    const [rows] = await this.keys.query<[Array<{ id: string }>, number]>(
      `WITH RECURSIVE minted AS (
         SELECT id FROM api_keys WHERE minted_by_id = $1
         UNION SELECT k.id FROM api_keys k JOIN minted m ON k.minted_by_id = m.id
       )
       UPDATE api_keys SET revoked_at = now() WHERE id IN (SELECT id FROM minted) AND revoked_at IS NULL RETURNING id`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  exists(id: string, userId: string): Promise<boolean> {
    return this.keys.exists({ where: { id, userId } });
  }

  /** Stamps the last use, at most once a minute per key whatever the number of replicas. */
  async touchLastUsed(id: string, minIntervalSeconds: number): Promise<void> {
    await this.keys
      .createQueryBuilder()
      .update(ApiKey)
      .set({ lastUsedAt: () => 'now()' })
      .where('id = :id', { id })
      .andWhere(`(last_used_at IS NULL OR last_used_at < now() - make_interval(secs => :interval))`, {
        interval: minIntervalSeconds,
      })
      .execute();
  }
}
