import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateEventTables1764000050000 implements MigrationInterface {
  name = 'CreateEventTables1764000050000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "outbox_events" (
        "id" uuid PRIMARY KEY,
        "name" varchar(100) NOT NULL,
        "payload" jsonb NOT NULL,
        "context" jsonb NOT NULL,
        "occurred_at" timestamptz(3) NOT NULL,
        "dispatched_at" timestamptz(3),
        "attempts" integer NOT NULL DEFAULT 0,
        "claimed_until" timestamptz(3),
        "last_error" text
      )`);
    await queryRunner.query(
      `CREATE INDEX "ix_outbox_events_pending" ON "outbox_events" ("occurred_at") WHERE "dispatched_at" IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE "processed_events" (
        "event_id" uuid NOT NULL,
        "handler" varchar(200) NOT NULL,
        "processed_at" timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT "pk_processed_events" PRIMARY KEY ("event_id", "handler")
      )`);
    await queryRunner.query(`
      CREATE TABLE "dead_letter_events" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "event_id" uuid NOT NULL,
        "event_name" varchar(100) NOT NULL,
        "handler" varchar(200) NOT NULL,
        "payload" jsonb NOT NULL,
        "context" jsonb NOT NULL,
        "error" text NOT NULL,
        "attempts" integer NOT NULL,
        "failed_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "ix_dead_letter_events_failed_at" ON "dead_letter_events" ("failed_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "dead_letter_events"`);
    await queryRunner.query(`DROP TABLE "processed_events"`);
    await queryRunner.query(`DROP TABLE "outbox_events"`);
  }
}
