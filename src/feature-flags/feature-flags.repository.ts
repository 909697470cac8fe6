import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import type { Repository } from 'typeorm';

import { FeatureFlag } from './feature-flag.entity';
import type { FlagRule } from './flag-evaluator';

/** Everything an admin sets on a flag; the key is the identity. */
export type FlagSettings = Pick<FeatureFlag, 'description' | 'enabled' | 'percentage' | 'allowedUserIds'>;

/** Queries on the feature_flags table, inside the caller's transaction when there is one. */
@Injectable()
export class FeatureFlagsRepository {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  private get flags(): Repository<FeatureFlag> {
    return this.txHost.tx.getRepository(FeatureFlag);
  }

  /** Every flag's evaluation rule: the whole table, which admins keep small. */
  async findAllRules(): Promise<FlagRule[]> {
    return this.flags.find({
      select: { key: true, enabled: true, percentage: true, allowedUserIds: true },
      order: { key: 'ASC' },
    });
  }

  findAll(): Promise<FeatureFlag[]> {
    return this.flags.find({ order: { key: 'ASC' } });
  }

  findByKey(key: string): Promise<FeatureFlag | null> {
    return this.flags.findOneBy({ key });
  }

  /** Locks the flag's row until the transaction ends, so concurrent changes apply one after the other. */
  findByKeyForUpdate(key: string): Promise<FeatureFlag | null> {
    return this.flags
      .createQueryBuilder('flag')
      .where('flag.key = :key', { key })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Inserts the flag unless one with this key exists (a concurrent create won); true when inserted. */
  async insertIfAbsent(key: string, settings: FlagSettings): Promise<boolean> {
    const result = await this.flags
      .createQueryBuilder()
      .insert()
      .into(FeatureFlag)
      .values({ key, ...settings })
      .orIgnore()
      .returning(['key'])
      .execute();
    return (result.raw as unknown[]).length > 0;
  }

  async update(key: string, settings: FlagSettings): Promise<void> {
    await this.flags.update({ key }, settings);
  }
}
