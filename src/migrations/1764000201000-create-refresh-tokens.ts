import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per refresh token ever issued, so rotation (consumed_at) and theft detection (a consumed
 * token presented again revokes its family) survive restarts and hold across replicas.
 */
export class CreateRefreshTokens1764000201000 implements MigrationInterface {
  name = 'CreateRefreshTokens1764000201000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "refresh_tokens" (
        "jti" uuid PRIMARY KEY,
        "family_id" uuid NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" timestamptz(3) NOT NULL,
        "consumed_at" timestamptz(3),
        "revoked_at" timestamptz(3),
        "replaced_by" uuid,
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "fk_refresh_tokens_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_family_id" ON "refresh_tokens" ("family_id")`);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_user_id" ON "refresh_tokens" ("user_id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
  }
}
