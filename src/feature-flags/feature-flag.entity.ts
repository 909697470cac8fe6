import { Check, Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** A feature flag: who sees a feature, decided per request by `evaluateFlag` (flag-evaluator.ts). */
@Entity({ name: 'feature_flags' })
@Check('ck_feature_flags_percentage_range', `"percentage" BETWEEN 0 AND 100`)
@Check('ck_feature_flags_key_slug', `"key" ~ '^[a-z0-9]+([._-][a-z0-9]+)*$'`)
export class FeatureFlag {
  /** The slug code refers to, e.g. `products.search-descriptions`; immutable. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  key: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description: string | null;

  /** The kill switch: off means off for everyone, allow list included. */
  @Column({ type: 'boolean', default: false })
  enabled: boolean;

  /** Share of users (0..100) who get the feature, chosen by a hash of the flag key and user id. */
  @Column({ type: 'smallint', default: 100 })
  percentage: number;

  /** Users who always get the feature while the flag is enabled, whatever the percentage. */
  @Column({ type: 'uuid', array: true, default: () => `'{}'` })
  allowedUserIds: string[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz', precision: 3 })
  updatedAt: Date;
}
