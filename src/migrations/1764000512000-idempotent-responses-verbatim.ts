import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The stored answer to an Idempotency-Key becomes the exact JSON text of the first response. As
 * jsonb, Postgres reordered its keys, so a replay was equal in value but not in bytes.
 */
export class IdempotentResponsesVerbatim1764000512000 implements MigrationInterface {
  name = 'IdempotentResponsesVerbatim1764000512000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" TYPE text USING "response_body"::text`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ALTER COLUMN "response_body" TYPE jsonb USING "response_body"::jsonb`,
    );
  }
}
