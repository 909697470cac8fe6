import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys: only the SHA-256 of the secret is stored; the key itself is shown once. */
export class CreateApiKeys1764000202000 implements MigrationInterface {
  name = 'CreateApiKeys1764000202000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid PRIMARY KEY,
        "user_id" uuid NOT NULL,
        "name" varchar(100) NOT NULL,
        "secret_hash" varchar(64) NOT NULL,
        "permissions" text array NOT NULL,
        "expires_at" timestamptz(3),
        "last_used_at" timestamptz(3),
        "revoked_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "fk_api_keys_user_id" FOREIGN KEY ("user_id") REFERENCES "users" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "ix_api_keys_user_id_created_at" ON "api_keys" ("user_id", "created_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
