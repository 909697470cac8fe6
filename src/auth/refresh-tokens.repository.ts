import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { IsNull, Not, type Repository } from 'typeorm';

import { RefreshToken } from './refresh-token.entity';

export type NewRefreshToken = Pick<RefreshToken, 'jti' | 'familyId' | 'userId' | 'expiresAt' | 'sessionExpiresAt'>;
export type ConsumedRefreshToken = Pick<RefreshToken, 'familyId' | 'userId' | 'sessionExpiresAt'>;

/** The refresh-token ledger; joins the caller's transaction. */
@Injectable()
export class RefreshTokensRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get tokens(): Repository<RefreshToken> {
    return this.txHost.tx.getRepository(RefreshToken);
  }

  async insert(token: NewRefreshToken): Promise<void> {
    await this.tokens.insert(token);
  }

  findByJti(jti: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ jti });
  }

  /** Any token of a family (they all name the same user). */
  findAnyOfFamily(familyId: string): Promise<RefreshToken | null> {
    return this.tokens.findOneBy({ familyId });
  }

  /**
   * Marks the token consumed and linked to its successor, if and only if it is still usable
   * (not consumed, not revoked, not expired): one conditional UPDATE, so of two concurrent
   * rotations exactly one wins. The consumed row, or null when it was not usable.
   */
  async consume(jti: string, replacedBy: string): Promise<ConsumedRefreshToken | null> {
    const result = await this.tokens
      .createQueryBuilder()
      .update(RefreshToken)
      .set({ consumedAt: () => 'now()', replacedBy })
      .where('jti = :jti AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > now()', { jti })
      .returning('family_id, user_id, session_expires_at')
      .execute();
    const rows = result.raw as Array<{ family_id: string; user_id: string; session_expires_at: Date }>;
    if (rows.length === 0) return null;
    return {
      familyId: rows[0].family_id,
      userId: rows[0].user_id,
      sessionExpiresAt: new Date(rows[0].session_expires_at),
    };
  }

  /** Revokes every token of a family not revoked yet; how many it revoked. */
  async revokeFamily(familyId: string): Promise<number> {
    const result = await this.tokens.update({ familyId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    return result.affected ?? 0;
  }

  /**
   * The families revoked after `since`, each with when (the latest revocation of its tokens): what
   * the revocation store must hold again after it lost its data.
   */
  async familiesRevokedSince(since: Date): Promise<Array<{ familyId: string; revokedAt: Date }>> {
    const rows = await this.tokens
      .createQueryBuilder('token')
      .select('token.family_id', 'familyId')
      .addSelect('max(token.revoked_at)', 'revokedAt')
      .where('token.revoked_at > :since', { since })
      .groupBy('token.family_id')
      .getRawMany<{ familyId: string; revokedAt: Date | string }>();
    return rows.map((row) => ({ familyId: row.familyId, revokedAt: new Date(row.revokedAt) }));
  }

  /** Whether a family was revoked (the durable record behind the shared revocation store). */
  async isFamilyRevoked(familyId: string): Promise<boolean> {
    return this.tokens.exists({ where: { familyId, revokedAt: Not(IsNull()) } });
  }
}
