import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A per-user counter carried in every token: raising it (password change, deactivation) makes
 * all the user's earlier tokens invalid at once, without a list of them.
 */
export class AddUsersTokenVersion1764000200000 implements MigrationInterface {
  name = 'AddUsersTokenVersion1764000200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "token_version" integer NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "token_version"`);
  }
}
