import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log. Append-only in the database itself: a trigger refuses UPDATE, DELETE and
 * TRUNCATE, so neither a bug nor a compromised application role can rewrite history. No foreign
 * key to users: entries must outlive what they describe.
 */
export class CreateAuditLogs1764000203000 implements MigrationInterface {
  name = 'CreateAuditLogs1764000203000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_logs" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "actor_id" uuid,
        "action" varchar(64) NOT NULL,
        "resource_type" varchar(64) NOT NULL,
        "resource_id" varchar(128),
        "details" jsonb NOT NULL DEFAULT '{}',
        "request_id" varchar(128),
        "ip" varchar(64),
        "created_at" timestamptz(3) NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX "ix_audit_logs_created_at_id" ON "audit_logs" ("created_at", "id")`);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_actor_id_created_at" ON "audit_logs" ("actor_id", "created_at")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_audit_logs_action_created_at" ON "audit_logs" ("action", "created_at")`);
    await queryRunner.query(
      `CREATE INDEX "ix_audit_logs_resource_type_resource_id_created_at" ON "audit_logs" ("resource_type", "resource_id", "created_at")`,
    );
    await queryRunner.query(`
      CREATE FUNCTION "audit_logs_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_logs is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "tr_audit_logs_append_only" BEFORE UPDATE OR DELETE ON "audit_logs"
      FOR EACH ROW EXECUTE FUNCTION "audit_logs_reject_change"()`);
    await queryRunner.query(`
      CREATE TRIGGER "tr_audit_logs_no_truncate" BEFORE TRUNCATE ON "audit_logs"
      FOR EACH STATEMENT EXECUTE FUNCTION "audit_logs_reject_change"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_logs"`);
    await queryRunner.query(`DROP FUNCTION "audit_logs_reject_change"()`);
  }
}
