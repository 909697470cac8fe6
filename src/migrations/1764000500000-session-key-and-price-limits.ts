import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules that must hold over a sequence of requests, not only one:
 * - revocations still in force can be read back from the ledger when Redis loses them
 *   (`ix_refresh_tokens_revoked_at`);
 * - a session ends at a fixed time however often it is refreshed (`session_expires_at`, copied
 *   to every token of the family; existing sessions get 30 days from their first token);
 * - a key minted with a key is revoked with it (`minted_by_id`);
 * - unprivileged price changes are measured against a price an admin set (`reference_price_cents`).
 */
export class SessionKeyAndPriceLimits1764000500000 implements MigrationInterface {
  name = 'SessionKeyAndPriceLimits1764000500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ADD "session_expires_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "refresh_tokens" AS t SET "session_expires_at" = f.started + interval '30 days'
         FROM (SELECT "family_id", min("created_at") AS started FROM "refresh_tokens" GROUP BY "family_id") AS f
        WHERE f."family_id" = t."family_id"`,
    );
    await queryRunner.query(`ALTER TABLE "refresh_tokens" ALTER COLUMN "session_expires_at" SET NOT NULL`);
    await queryRunner.query(
      `CREATE INDEX "ix_refresh_tokens_revoked_at" ON "refresh_tokens" ("revoked_at") WHERE "revoked_at" IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE "api_keys" ADD "minted_by_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "fk_api_keys_minted_by_id" FOREIGN KEY ("minted_by_id") REFERENCES "api_keys"("id") ON DELETE CASCADE`,
    );
    await queryRunner.query(`CREATE INDEX "ix_api_keys_minted_by_id" ON "api_keys" ("minted_by_id")`);
    await queryRunner.query(`ALTER TABLE "products" ADD "reference_price_cents" integer`);
    await queryRunner.query(`UPDATE "products" SET "reference_price_cents" = "price_cents"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "products" DROP COLUMN "reference_price_cents"`);
    await queryRunner.query(`DROP INDEX "ix_api_keys_minted_by_id"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_minted_by_id"`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP COLUMN "minted_by_id"`);
    await queryRunner.query(`DROP INDEX "ix_refresh_tokens_revoked_at"`);
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "session_expires_at"`);
  }
}
