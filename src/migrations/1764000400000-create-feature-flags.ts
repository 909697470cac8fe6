import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Feature flags, keyed by their slug. The allow list is a uuid array on the row (not a join
 * table): a flag is always read and written whole, and the allow list is bounded by the API.
 * No foreign key to users: an allow-listed id of a deleted account is harmless and keeps the
 * flag slice independent of the users table.
 */
export class CreateFeatureFlags1764000400000 implements MigrationInterface {
  name = 'CreateFeatureFlags1764000400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "feature_flags" (
        "key" varchar(64) PRIMARY KEY,
        "description" varchar(500),
        "enabled" boolean NOT NULL DEFAULT false,
        "percentage" smallint NOT NULL DEFAULT 100,
        "allowed_user_ids" uuid[] NOT NULL DEFAULT '{}',
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "ck_feature_flags_percentage_range" CHECK ("percentage" BETWEEN 0 AND 100),
        CONSTRAINT "ck_feature_flags_key_slug" CHECK ("key" ~ '^[a-z0-9]+([._-][a-z0-9]+)*$')
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "feature_flags"`);
  }
}
