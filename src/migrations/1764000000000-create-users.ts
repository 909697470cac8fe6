import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsers1764000000000 implements MigrationInterface {
  name = 'CreateUsers1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "users" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "email" varchar(254) NOT NULL,
        "username" varchar(32) NOT NULL,
        "password_hash" varchar(255) NOT NULL,
        "full_name" varchar(200),
        "phone" text,
        "role" varchar(16) NOT NULL DEFAULT 'customer',
        "is_active" boolean NOT NULL DEFAULT true,
        "last_login_at" timestamptz(3),
        "password_changed_at" timestamptz(3),
        "created_at" timestamptz(3) NOT NULL DEFAULT now(),
        "updated_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "ck_users_role" CHECK ("role" IN ('admin', 'staff', 'customer'))
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users" ("email")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_username" ON "users" (lower("username"))`);
    await queryRunner.query(`CREATE INDEX "ix_users_created_at_id" ON "users" ("created_at", "id")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "users"`);
  }
}
